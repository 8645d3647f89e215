import type { ErrorPayload } from '../errors.ts'

/**
 * Messages between a share-link page and its share worker (sw/workers/share-worker.ts):
 * the page hands over the link once, the worker finds who holds the file and
 * then streams the plaintext over a MessagePort per download or preview
 * (core/rpc/file-stream-protocol.ts).
 */
export type ToShareWorker =
  /** Read the link (the fragment, never sent anywhere) and look for the file. Sent again to retry. */
  | { kind: 'open', link: string }
  /** Stream the file (or, in a shared folder, its file number `index`) over `port`. */
  | { kind: 'stream', port: MessagePort, index?: number }

export interface SharedFileMeta {
  name: string
  size: number
  type: string
}

/** One file of a shared folder. */
export interface SharedFolderFile {
  /** Relative to the shared folder, '/'-separated. */
  path: string
  size: number
  type: string
}

export type FromShareWorker =
  /** The link is sound; now looking for someone who holds the file. */
  | { kind: 'link-read', meta: SharedFileMeta }
  /** Found; a shared folder comes with its files. */
  | { kind: 'opened', meta: SharedFileMeta, files?: SharedFolderFile[] }
  /** SHARE_LINK_DAMAGED, SHARE_UNAVAILABLE, … */
  | { kind: 'open-failed', error: ErrorPayload, meta?: SharedFileMeta }
  /**
   * A download, preview or save broke off after the file was found: its peers
   * left, or only data that failed its checks came. The service worker can only
   * fail the response, which a browser shows as a bare network error.
   */
  | { kind: 'stream-failed', error: ErrorPayload }
