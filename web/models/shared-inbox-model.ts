import { batch, computed, effect, signal, type ReadonlySignal } from '@preact/signals'
import { freePath, lastSegment } from '../lib/free-path.ts'
import type { HashLocation } from '../lib/hash-location.ts'
import type { PickedFile, UploadsModel } from './uploads-model.ts'
import type { RefusedSharedFile } from '../../core/rpc/share-target-messages.ts'
import { parseSharedFilesHash } from '../../core/rpc/service-worker-urls.ts'
import { refusedSharedMessage } from './shared-files-refused.ts'

/** What one share left for the page: the files kept, and those refused by the caps. */
export interface TakenSharedFiles {
  files: File[]
  refused: RefusedSharedFile[]
}

/**
 * Where the service worker keeps files shared to Cairn from the OS share
 * sheet (sw/share-target-route.ts). `take` hands them over once; undefined
 * means they are gone (the service worker was stopped, or another page took
 * them).
 */
export interface SharedFilesSource {
  take: (id: string) => Promise<TakenSharedFiles | undefined>
}

/** The screen the app shows (AppModels.screen): shared files can be added only once it is 'unlocked'. */
export type InboxScreen = 'loading' | 'onboarding' | 'locked' | 'unlocked'

export type SharedInboxStatus =
  | { kind: 'idle' }
  | { kind: 'taking' }
  /** Unlocked: the files wait for "Add to vault" or "Discard"; `ready` is false until the vault's list is known. */
  | { kind: 'confirm', count: number, names: string[], ready: boolean }
  | { kind: 'adding', count: number }
  | { kind: 'waiting-unlock', count: number }
  | { kind: 'waiting-vault', count: number }
  | { kind: 'lost' }

export interface SharedInboxModel {
  status: ReadonlySignal<SharedInboxStatus>
  /** Follows the address bar for `#/shared-files/<id>` and takes the files it names; returns the stop function. */
  start: () => () => void
  /** The user's "Add to vault": hands the waiting files to the upload queue, each at a path no file has. */
  add: () => void
  /** The user's "Discard": forgets the waiting files. */
  discard: () => void
  /** Hides the "lost" notice. */
  dismiss: () => void
  /** Words for the shared files the service worker did not keep (too many, too large); undefined when none. */
  refusedMessage: ReadonlySignal<string | undefined>
  /** Hides them. */
  dismissRefused: () => void
}

export interface SharedInboxInit {
  location: HashLocation
  /** Rewrites the hash without a history entry (history.replaceState in the page); defaults to `location.set`. */
  replaceHash?: (hash: string) => void
  source: SharedFilesSource
  screen: ReadonlySignal<InboxScreen>
  /** The Files page's upload queue: shared files show progress like dropped ones. */
  uploads: Pick<UploadsModel, 'add' | 'active' | 'items'>
  /** What is in the vault now (FilesModel.files): a shared file never takes one of these paths. */
  vaultFiles: ReadonlySignal<ReadonlyArray<{ path: string }>>
  /** True once `vaultFiles` holds the vault's list (loaded after the unlock, without error). */
  vaultListed: ReadonlySignal<boolean>
}

export function createSharedInboxModel (init: SharedInboxInit): SharedInboxModel {
  const { location, source, screen, uploads, vaultFiles, vaultListed } = init
  const replaceHash = init.replaceHash ?? location.set
  /** Taken from the service worker, waiting for the user's say-so. */
  const pending = signal<File[]>([])
  /** Files handed to the upload queue and not yet settled there. */
  const adding = signal(0)
  const taking = signal(0)
  const lost = signal(false)
  const refused = signal<RefusedSharedFile[]>([])
  const seen = new Set<string>()

  const takeFromHash = (): void => {
    const id = parseSharedFilesHash(location.get())
    if (id === undefined) return
    // The id is no use once taken; leave the files page in the address bar.
    replaceHash('#/files')
    if (seen.has(id)) return
    seen.add(id)
    taking.value++
    source.take(id).then((taken) => {
      if (taken === undefined || (taken.files.length === 0 && taken.refused.length === 0)) lost.value = true
      else {
        lost.value = false
        pending.value = [...pending.value, ...taken.files]
        if (taken.refused.length > 0) refused.value = [...refused.value, ...taken.refused]
      }
    }, () => { lost.value = true }).finally(() => { taking.value-- })
  }

  const status = computed<SharedInboxStatus>(() => {
    const files = pending.value
    const count = files.length
    if (count > 0) {
      switch (screen.value) {
        case 'locked': return { kind: 'waiting-unlock', count }
        case 'onboarding': return { kind: 'waiting-vault', count }
        // Nothing is offered before the vault's state is known.
        case 'loading': return { kind: 'taking' }
        case 'unlocked': return { kind: 'confirm', count, names: files.map(f => lastSegment(f.name)), ready: vaultListed.value }
      }
    }
    if (adding.value > 0) return { kind: 'adding', count: adding.value }
    if (taking.value > 0) return { kind: 'taking' }
    return lost.value ? { kind: 'lost' } : { kind: 'idle' }
  })

  const add = (): void => {
    const files = pending.peek()
    if (files.length === 0 || screen.peek() !== 'unlocked' || !vaultListed.peek()) return
    // A shared file may come from any website (a cross-site form can POST to /share-target),
    // so it never replaces a file: not one in the vault, one still in the queue, nor one of this batch.
    const taken = new Set(vaultFiles.peek().map(f => f.path))
    for (const item of uploads.items.peek()) {
      const state = item.state.peek()
      if (state === 'queued' || state === 'uploading') taken.add(item.path)
    }
    const picked = files.map((file): PickedFile => {
      const path = freePath(lastSegment(file.name), taken)
      taken.add(path)
      return { file, path }
    })
    // One flush: the effect below must not see the count before the queue holds the files.
    batch(() => {
      pending.value = []
      uploads.add(picked)
      adding.value += picked.length
    })
  }

  return {
    status,
    start: () => {
      const stops = [
        location.listen(takeFromHash),
        // The queue settles every file (stored, already there, or failed): the notice is done.
        effect(() => { if (adding.value > 0 && !uploads.active.value) adding.value = 0 })
      ]
      takeFromHash()
      return () => { for (const stop of stops) stop() }
    },
    add,
    discard: () => { pending.value = [] },
    dismiss: () => { lost.value = false },
    refusedMessage: computed(() => refusedSharedMessage(refused.value)),
    dismissRefused: () => { refused.value = [] }
  }
}

/** Names shown in the "ready to add" line before "and K more". */
const SHOWN_NAMES = 5
/** Longer names are cut: they come from whoever shared the files. */
const NAME_CHARS = 60

/** The notice's words for a status; undefined when there is nothing to say. */
export function sharedInboxMessage (status: SharedInboxStatus): string | undefined {
  const files = (n: number): string => `${n} shared ${n === 1 ? 'file' : 'files'}`
  switch (status.kind) {
    case 'idle': return undefined
    case 'taking': return 'Receiving shared files…'
    case 'confirm': {
      const shown = status.names.slice(0, SHOWN_NAMES).map(n => n.length > NAME_CHARS ? `${n.slice(0, NAME_CHARS - 1)}…` : n)
      const more = status.count - shown.length
      return `${files(status.count)} ${status.count === 1 ? 'is' : 'are'} ready to add: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
    }
    case 'adding': return `Adding ${files(status.count)} to your vault…`
    case 'waiting-unlock': return `Unlock to add ${files(status.count)} to your vault.`
    case 'waiting-vault': return `Finish setting up your vault to add ${files(status.count)} to it.`
    case 'lost': return 'The shared files were lost before Cairn could take them; share them again.'
  }
}
