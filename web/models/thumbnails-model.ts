import { signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient, ThumbnailData } from '../../core/rpc/api.ts'
import { downloadUrl } from '../../core/rpc/service-worker-urls.ts'
import type { ThumbnailMaker } from '../thumbnails/thumbnail-maker.ts'
import { firstVideoFrame } from '../thumbnails/video-frame.ts'

/** A thumbnail as a row or a grid cell shows it. */
export type ThumbState =
  | { status: 'loading' }
  /** None: not an image, would not decode, or not on this device to make one from. */
  | { status: 'none' }
  | { status: 'ready', url: string, width: number, height: number }

/** Largest image a thumbnail is made from (it is read whole into a Blob). */
const MAX_SOURCE_BYTES = 64 * 1024 * 1024
/**
 * Thumbnails kept decoded at most (~10 KiB each): scrolling through a folder
 * of 10,000 photos must not keep them all. The least recently shown go first;
 * a row that shows one again asks the node for it again.
 */
const MAX_READY = 1000
/** Thumbnails asked of the node at once, and made at once (the maker's workers are the real limit). */
const READS_AT_ONCE = 4
const MAKES_AT_ONCE = 2

/** Which content a thumbnail belongs to: one per file version. */
export function thumbKey (file: Pick<FileInfo, 'fileId' | 'cid'>): string {
  return `${file.fileId}:${file.cid}`
}

/** Images a browser decodes in a worker (SVG needs a document, and runs nothing here anyway). */
export function canThumbnail (file: Pick<FileInfo, 'type' | 'size'>): 'image' | 'video' | undefined {
  const type = file.type.toLowerCase()
  if (file.size === 0 || file.size > MAX_SOURCE_BYTES) return undefined
  if (type.startsWith('image/') && type !== 'image/svg+xml') return 'image'
  if (type.startsWith('video/')) return 'video'
  return undefined
}

export interface ThumbnailsModel {
  /** By thumbKey; absent = not asked yet. */
  entries: ReadonlySignal<ReadonlyMap<string, ThumbState>>
  /** A row or a cell shows `file`: load its thumbnail, or make one where this device has the file. */
  want: (file: FileInfo) => void
  /** A file was just stored from `source` (an upload): make its thumbnail from the bytes at hand. */
  fromUpload: (source: File, file: FileInfo) => void
  /** On lock: forget every thumbnail (they show file content). */
  clear: () => void
}

export interface ThumbnailsModelInit {
  client: RpcClient
  maker: ThumbnailMaker
  /** False when this device does not hold the whole file (it would be fetched from a peer only to make a thumbnail). */
  isLocal?: (fileId: string) => boolean
  /** Reads a file's bytes (default: fetch its download URL, streamed by the service worker or the desktop daemon). */
  read?: (file: FileInfo) => Promise<Blob>
  /** Thumbnails kept decoded at most (default MAX_READY; tests make it small). */
  maxReady?: number
}

export function createThumbnailsModel (init: ThumbnailsModelInit): ThumbnailsModel {
  const { client, maker } = init
  const entries = signal<ReadonlyMap<string, ThumbState>>(new Map())
  const read = init.read ?? (async (file: FileInfo) => {
    const response = await fetch(downloadUrl(file.fileId, file.versionId))
    if (!response.ok) throw new Error(`download answered ${response.status}`)
    return await response.blob()
  })
  let generation = 0
  /** When each thumbnail was last wanted (a counter, not a signal: asking is not a change to show). */
  const lastWanted = new Map<string, number>()
  let wants = 0
  const reads = limiter(READS_AT_ONCE)
  const makes = limiter(MAKES_AT_ONCE)

  const set = (key: string, state: ThumbState, gen: number): void => {
    if (gen !== generation) return
    const next = new Map(entries.value)
    const old = next.get(key)
    if (old?.status === 'ready') URL.revokeObjectURL(old.url)
    next.set(key, state)
    if (state.status === 'ready') evictOldest(next)
    entries.value = next
  }
  const evictOldest = (next: Map<string, ThumbState>): void => {
    const ready = [...next].filter(([, s]) => s.status === 'ready')
    const max = init.maxReady ?? MAX_READY
    if (ready.length <= max) return
    ready.sort(([a], [b]) => (lastWanted.get(a) ?? 0) - (lastWanted.get(b) ?? 0))
    for (const [key, old] of ready.slice(0, ready.length - max)) {
      if (old.status === 'ready') URL.revokeObjectURL(old.url)
      next.delete(key)
      lastWanted.delete(key)
    }
  }
  const show = (data: ThumbnailData): ThumbState => ({
    status: 'ready',
    url: URL.createObjectURL(new Blob([data.bytes as Uint8Array<ArrayBuffer>], { type: data.type })),
    width: data.width,
    height: data.height
  })

  /** Makes, stores and shows a thumbnail; any failure leaves 'none' quietly (a corrupt image is not worth a toast). */
  const makeFrom = async (file: FileInfo, source: () => Promise<Blob | ImageBitmap | undefined>, gen: number): Promise<void> => {
    const key = thumbKey(file)
    let unreadable = false
    const data = await makes(async () => {
      let input: Blob | ImageBitmap | undefined
      try {
        input = await source()
      } catch {
        // Not readable now (locked, offline): try again another time, so nothing is recorded.
        unreadable = true
        return undefined
      }
      return input === undefined ? undefined : await maker.make(input)
    }).catch(() => undefined)
    if (data === undefined) set(key, { status: 'none' }, gen)
    else set(key, show(data), gen)
    if (data === undefined && (unreadable || gen !== generation)) return
    await client.call('thumbnails.put', { fileId: file.fileId, ...(file.versionId !== undefined ? { versionId: file.versionId } : {}), cid: file.cid, thumbnail: data ?? 'none' }).catch(() => {})
  }

  const sourceOf = (file: FileInfo): (() => Promise<Blob | ImageBitmap | undefined>) =>
    canThumbnail(file) === 'video'
      ? async () => await firstVideoFrame(downloadUrl(file.fileId, file.versionId, true))
      : async () => await read(file)

  return {
    entries,
    want: (file) => {
      const key = thumbKey(file)
      lastWanted.set(key, ++wants)
      if (entries.value.has(key)) return
      const kind = canThumbnail(file)
      if (kind === undefined) { set(key, { status: 'none' }, generation); return }
      const gen = generation
      set(key, { status: 'loading' }, gen)
      void reads(async () => await client.call('thumbnails.get', { fileId: file.fileId, ...(file.versionId !== undefined ? { versionId: file.versionId } : {}) }))
        .then(async (stored) => {
          if (stored === 'none') { set(key, { status: 'none' }, gen); return }
          if (stored !== null) { set(key, show(stored), gen); return }
          if (init.isLocal?.(file.fileId) === false) { set(key, { status: 'none' }, gen); return }
          await makeFrom(file, sourceOf(file), gen)
        }, () => { set(key, { status: 'none' }, gen) })
    },
    fromUpload: (source, file) => {
      if (canThumbnail(file) !== 'image') return
      const key = thumbKey(file)
      lastWanted.set(key, ++wants)
      if (entries.value.get(key)?.status === 'ready') return
      const gen = generation
      set(key, { status: 'loading' }, gen)
      void makeFrom(file, async () => source, gen)
    },
    clear: () => {
      generation++
      lastWanted.clear()
      for (const state of entries.value.values()) if (state.status === 'ready') URL.revokeObjectURL(state.url)
      entries.value = new Map()
    }
  }
}

/** Runs at most `n` of the given tasks at once, the rest in order. */
function limiter (n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: Array<() => void> = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => { queue.push(resolve) })
    running++
    try {
      return await task()
    } finally {
      running--
      queue.shift()?.()
    }
  }
}
