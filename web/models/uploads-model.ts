import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals'
import type { FileInfo, RpcClient, UploadProgress } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { freePath } from '../lib/free-path.ts'

/**
 * stored: new content; replaced: new content where a file of that name was
 * (the earlier one is kept in its Versions); deduplicated: added, but the
 * content was already stored; unchanged: that very file was there already.
 */
export type UploadState = 'queued' | 'uploading' | 'stored' | 'replaced' | 'deduplicated' | 'unchanged' | 'failed'

/** Files of a batch whose names are already in the vault: the user chooses Replace or Keep both. */
export interface UploadConflict {
  /** Paths that are taken. */
  paths: string[]
  /** How many files the batch holds in all. */
  batchSize: number
}

export type ConflictChoice = 'replace' | 'keep-both' | 'cancel'

/** One file on its way into the vault. */
export interface UploadItem {
  uploadId: string
  /** Where it will live in the vault (the folder-relative path for folder uploads). */
  path: string
  bytesTotal: number
  state: ReadonlySignal<UploadState>
  bytesDone: ReadonlySignal<number>
  /** Bytes per second since this file started. */
  rate: ReadonlySignal<number>
  error: ReadonlySignal<string | undefined>
}

/** A file the user picked or dropped, with its folder-relative path when it came from a folder. */
export interface PickedFile {
  file: File
  path?: string
}

export interface UploadTotals {
  filesTotal: number
  /** Stored, already present, or failed. */
  filesDone: number
  filesFailed: number
  bytesTotal: number
  bytesDone: number
}

/**
 * The upload queue: files go to the node one at a time (`files.add`), and
 * `upload.progress` events fill in each file's bar. A failure marks that file
 * and the queue moves on; a lock pauses the queue and unlocking resumes it.
 */
export interface UploadsModel {
  items: ReadonlySignal<UploadItem[]>
  totals: ReadonlySignal<UploadTotals>
  /** Something is queued or uploading. */
  active: ReadonlySignal<boolean>
  paused: ReadonlySignal<boolean>
  /** Listens for progress events; returns the unsubscribe. */
  start: () => () => void
  add: (picked: readonly PickedFile[]) => void
  clearFinished: () => void
  pause: () => void
  resume: () => void
  /** Resolves when the queue is empty or paused (for tests and callers that wait). */
  idle: () => Promise<void>
  /** A batch waits because some of its names are taken (the "Replace or keep both?" dialog is open). */
  conflict: ReadonlySignal<UploadConflict | undefined>
  /** Replace those files (their content so far is kept as a version), keep both (new names), or add none of the batch. */
  resolveConflict: (choice: ConflictChoice) => void
}

interface Entry extends UploadItem {
  file: File | undefined
  explicitPath: string | undefined
  startedAt: number
  state: Signal<UploadState>
  bytesDone: Signal<number>
  rate: Signal<number>
  error: Signal<string | undefined>
}

export interface UploadsInit {
  /** Milliseconds clock for rates (performance.now in the page). */
  now?: () => number
  newId?: () => string
  /** Paths of the files in the vault now; a batch that would land on one of them asks first. */
  existingPaths?: () => ReadonlySet<string>
  /** A file was stored: its bytes are still at hand (the thumbnails are made from them). */
  onStored?: (file: File, info: FileInfo) => void
}

const SETTLED: ReadonlySet<UploadState> = new Set(['stored', 'replaced', 'deduplicated', 'unchanged', 'failed'])

/** Where a picked file goes, in NFC as the vault stores names (a Mac gives "é" decomposed: it must still meet the file it would replace). */
const targetOf = ({ file, path }: PickedFile): string => (path !== undefined && path !== '' ? path : file.name).normalize('NFC')

export function createUploadsModel (client: RpcClient, init: UploadsInit = {}): UploadsModel {
  const now = init.now ?? (() => performance.now())
  const newId = init.newId ?? (() => globalThis.crypto.randomUUID())
  const items = signal<Entry[]>([])
  const paused = signal(false)
  const byId = new Map<string, Entry>()
  const existing = init.existingPaths ?? (() => new Set<string>())
  const conflict = signal<UploadConflict | undefined>(undefined)
  const waiting: Array<readonly PickedFile[]> = []
  let running: Promise<void> | undefined
  /** The current run still looks at the queue (false once it has decided to stop). */
  let looping = false

  const totals = computed<UploadTotals>(() => {
    const t: UploadTotals = { filesTotal: 0, filesDone: 0, filesFailed: 0, bytesTotal: 0, bytesDone: 0 }
    for (const item of items.value) {
      const state = item.state.value
      t.filesTotal++
      t.bytesTotal += item.bytesTotal
      if (SETTLED.has(state)) {
        t.filesDone++
        t.bytesDone += item.bytesTotal
      } else {
        t.bytesDone += item.bytesDone.value
      }
      if (state === 'failed') t.filesFailed++
    }
    return t
  })

  const onProgress = (p: UploadProgress): void => {
    const item = byId.get(p.uploadId)
    if (item === undefined || item.state.value !== 'uploading') return
    item.bytesDone.value = Math.min(p.bytesDone, item.bytesTotal)
    const seconds = (now() - item.startedAt) / 1000
    if (seconds > 0) item.rate.value = item.bytesDone.value / seconds
  }

  const runOne = async (item: Entry): Promise<void> => {
    if (item.file === undefined) return
    item.state.value = 'uploading'
    item.bytesDone.value = 0
    item.startedAt = now()
    try {
      const result = await client.call('files.add', {
        uploadId: item.uploadId,
        file: item.file,
        ...(item.explicitPath !== undefined ? { path: item.explicitPath } : {})
      })
      const seconds = (now() - item.startedAt) / 1000
      item.bytesDone.value = item.bytesTotal
      if (seconds > 0) item.rate.value = item.bytesTotal / seconds
      item.state.value = result.unchanged === true ? 'unchanged' : result.deduplicated ? 'deduplicated' : result.replaced === true ? 'replaced' : 'stored'
      init.onStored?.(item.file, result.file)
      item.file = undefined
    } catch (err) {
      const code = errorCodeOf(err)
      if (code === 'VAULT_LOCKED' || code === 'ABORTED') {
        // Locking aborts the upload in the worker; try this file again after unlock.
        item.state.value = 'queued'
        item.bytesDone.value = 0
        item.rate.value = 0
        paused.value = true
        return
      }
      item.state.value = 'failed'
      item.error.value = errorMessage(err)
      item.file = undefined
    }
  }

  const loop = async (): Promise<void> => {
    try {
      while (!paused.value) {
        const next = items.value.find(i => i.state.value === 'queued')
        if (next === undefined) break
        await runOne(next)
      }
    } finally {
      // Cleared in the same step as the last look at the queue: from here on the run takes
      // nothing new, so a later pump must start another (the promise settles ticks later).
      looping = false
    }
  }

  const pump = (): void => {
    // A run that is still looking will reach new files itself (even from an effect it set off).
    if (looping) return
    looping = true
    const run: Promise<void> = loop().finally(() => { if (running === run) running = undefined })
    running = run
  }

  const enqueue = (picked: readonly PickedFile[]): void => {
    // A new batch after the last one finished starts a fresh list.
    if (!items.value.some(i => !SETTLED.has(i.state.value))) clearFinished()
    const added = picked.map(({ file, path }): Entry => {
      const explicitPath = path !== undefined && path !== '' ? path : undefined
      const entry: Entry = {
        uploadId: newId(),
        path: explicitPath ?? file.name,
        bytesTotal: file.size,
        file,
        explicitPath,
        startedAt: 0,
        state: signal<UploadState>('queued'),
        bytesDone: signal(0),
        rate: signal(0),
        error: signal<string | undefined>(undefined)
      }
      byId.set(entry.uploadId, entry)
      return entry
    })
    items.value = [...items.value, ...added]
    pump()
  }

  /** Takes waiting batches in order: straight into the queue, or to the user when a name is taken. */
  const next = (): void => {
    while (waiting.length > 0) {
      const batch = waiting[0] as PickedFile[]
      const taken = existing()
      const paths = batch.map(targetOf).filter(path => taken.has(path))
      if (paths.length > 0) {
        conflict.value = { paths, batchSize: batch.length }
        return
      }
      waiting.shift()
      enqueue(batch)
    }
  }

  const clearFinished = (): void => {
    const kept = items.value.filter(i => !SETTLED.has(i.state.value))
    for (const item of items.value) if (!kept.includes(item)) byId.delete(item.uploadId)
    items.value = kept
  }

  return {
    items,
    totals,
    active: computed(() => items.value.some(i => !SETTLED.has(i.state.value))),
    paused,
    start: () => client.on('upload.progress', onProgress),
    add: (picked) => {
      if (picked.length === 0) return
      // One question at a time: a batch picked while one waits, waits behind it.
      waiting.push(picked)
      if (conflict.peek() === undefined) next()
    },
    conflict,
    resolveConflict: (choice) => {
      const batch = waiting.shift()
      conflict.value = undefined
      if (batch !== undefined && choice !== 'cancel') {
        if (choice === 'replace') enqueue(batch)
        else {
          const taken = new Set([...existing(), ...batch.map(targetOf)])
          enqueue(batch.map(item => {
            if (!existing().has(targetOf(item))) return item
            const path = freePath(targetOf(item), taken)
            taken.add(path)
            return { file: item.file, path }
          }))
        }
      }
      next()
    },
    clearFinished,
    pause: () => { paused.value = true },
    resume: () => {
      paused.value = false
      pump()
    },
    // A run that ended may have been followed by a fresh one: wait for that too.
    idle: async () => { while (running !== undefined) await running }
  }
}
