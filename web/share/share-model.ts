import { signal, type ReadonlySignal } from '@preact/signals'
import { messageForCode } from '../error-messages.ts'
import { isErrorCode } from '../../core/rpc/errors.ts'
import type { FromShareWorker, SharedFileMeta, SharedFolderFile } from '../../core/rpc/share-messages.ts'
import type { ShareWorker } from './share-worker-host.ts'

export type ShareState = 'opening' | 'ready' | 'damaged' | 'unavailable' | 'failed'

/** The recipient's view of one share link. */
export interface ShareModel {
  state: ReadonlySignal<ShareState>
  /** Name, size and type, once the link was read. */
  meta: ReadonlySignal<SharedFileMeta | undefined>
  /** A shared folder's files (undefined for a single file). */
  files: ReadonlySignal<SharedFolderFile[] | undefined>
  /** Words for what went wrong (damaged, nobody sharing, …). */
  error: ReadonlySignal<string | undefined>
  /** Words for a download, preview or save that broke off after the file was found; cleared by the next try. */
  streamError: ReadonlySignal<string | undefined>
  clearStreamError: () => void
  /** True once the service worker can stream downloads to this page. */
  downloadsReady: ReadonlySignal<boolean>
  /** The random name this page gave the file for its download URLs (never the key). */
  token: string
  /** "Try again" after nobody was sharing. */
  retry: () => void
  /** Starts looking; returns the stop. */
  start: () => () => void
}

export interface ShareModelInit {
  /** The link's fragment, read once from the address bar before it was cleared. */
  link: string
  worker: ShareWorker
  /** Resolves when a service worker controls the page (false when there can be none). */
  serviceWorkerReady: Promise<boolean>
  token?: string
}

export function createShareModel (init: ShareModelInit): ShareModel {
  const state = signal<ShareState>('opening')
  const meta = signal<SharedFileMeta | undefined>(undefined)
  const files = signal<SharedFolderFile[] | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  const streamError = signal<string | undefined>(undefined)
  const downloadsReady = signal(false)
  const token = init.token ?? crypto.randomUUID()

  const onMessage = (message: FromShareWorker): void => {
    if (message.kind === 'stream-failed') {
      // The share itself stays open: another try may find its peers back.
      streamError.value = wordsFor(message.error.code)
      return
    }
    if (message.meta !== undefined) meta.value = message.meta
    if (message.kind === 'link-read') return
    if (message.kind === 'opened') {
      files.value = message.files
      state.value = 'ready'
      error.value = undefined
      return
    }
    const code = message.error.code
    state.value = code === 'SHARE_LINK_DAMAGED' ? 'damaged' : code === 'SHARE_UNAVAILABLE' ? 'unavailable' : 'failed'
    error.value = wordsFor(code)
  }
  const open = (): void => {
    state.value = 'opening'
    error.value = undefined
    init.worker.post({ kind: 'open', link: init.link })
  }

  return {
    state,
    meta,
    files,
    error,
    streamError,
    clearStreamError: () => { streamError.value = undefined },
    downloadsReady,
    token,
    retry: () => { if (state.value === 'unavailable' || state.value === 'failed') open() },
    start: () => {
      const unlisten = init.worker.listen(onMessage)
      void init.serviceWorkerReady.then((ready) => { downloadsReady.value = ready })
      open()
      return unlisten
    }
  }
}

/** The recipient's page has no Logs page to point to: its words for an unexpected failure say what to do here. */
const UNEXPECTED = 'Something went wrong while fetching this file. Try again; if it keeps failing, ask the sender for a new link.'

function wordsFor (code: string): string {
  // INTERNAL and INVALID_ARGUMENT words point to a Logs page the recipient does not have.
  return isErrorCode(code) && code !== 'INTERNAL' && code !== 'INVALID_ARGUMENT' ? messageForCode(code) : UNEXPECTED
}
