/**
 * Files: the list, uploads, earlier versions and the Trash.
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

export type { FileInfo, AddFileResult, FileVersion, TrashItem, TrashRestoreResult, VersionRetention } from '../vault/vault-views.ts'

export interface AddFileArgs {
  /** Chosen by the caller so it can match progress events to the upload. */
  uploadId: string
  file: File
  /** Path in the vault; defaults to the file's name. Folder uploads pass `webkitRelativePath`. */
  path?: string
}

/**
 * A file of a share link opened in some tab of this browser, stored into the
 * vault straight from the service worker's stream of it: its plaintext never
 * sits whole in a page, a Blob or a File.
 */
export interface AddSharedFileArgs {
  uploadId: string
  /** Where the service worker serves it: `/download/share/<token>[/<index>]` (web/share/share-download-bridge.ts). */
  source: string
  /** Where it should go; when a file or folder has that name, the node puts it beside ("name (2).ext") and never replaces anything. */
  path: string
  /** Bytes announced by the share: a stream that ends short of it or runs past it keeps nothing. */
  size: number
  type: string
}

export interface UploadProgress {
  uploadId: string
  /** Plaintext bytes read and stored so far. */
  bytesDone: number
  bytesTotal: number
  phase: 'queued' | 'encrypting' | 'done' | 'failed'
}

/** A file's thumbnail in the clear (sealed where it is stored: core/vault/thumbnails/). */
export interface ThumbnailData {
  type: 'image/webp' | 'image/jpeg'
  width: number
  height: number
  bytes: Uint8Array
}
