import type { FileHealth } from './api-storage.ts'

/**
 * Files: the list, uploads, earlier versions and the Trash.
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

/** One file as the index knows it, without its key. */
export interface FileInfo {
  fileId: string
  /** Path inside the vault, '/'-separated, no leading slash ("photos/cat.jpg"). */
  path: string
  size: number
  /** Last-modified time of the original file, ms since epoch. */
  mtime: number
  /** MIME type, '' when unknown. */
  type: string
  /** CID (string) of the encrypted UnixFS file. */
  cid: string
  /** True when a paired backup peer holds all of this file's blocks. */
  onBackup?: boolean
  /** Set once a read or a check found this file's stored data damaged here: repaired from a peer, or still damaged. */
  health?: FileHealth
  /** True when the file is shown under a conflict name (`name (conflict, DEVICE, DATE).ext`): `files.resolveConflict` applies. */
  conflict?: boolean
}

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
  path: string
  /** Bytes announced by the share: a stream that ends short of it or runs past it keeps nothing. */
  size: number
  type: string
}

export interface AddFileResult {
  file: FileInfo
  /** True when the content was already in the vault and nothing new was stored. */
  deduplicated: boolean
  /** True when a file of that name was there: its content is now an earlier version. */
  replaced?: boolean
  /** True when that very file, same name and same content, was there already: nothing changed. */
  unchanged?: boolean
}

export interface UploadProgress {
  uploadId: string
  /** Plaintext bytes read and stored so far. */
  bytesDone: number
  bytesTotal: number
  phase: 'queued' | 'encrypting' | 'done' | 'failed'
}

/** One earlier version of a file ("Versions" on its row). */
export interface FileVersion {
  /** Pass back to `files.restoreVersion`. */
  versionId: string
  fileId: string
  size: number
  mtime: number
  type: string
  /** When it was stored (ms since epoch). */
  savedAt: number
  /** When a newer version replaced it; it is kept from then on for the retention time. */
  replacedAt: number
  /** The device that stored it: a short label, and whether it is this one. */
  device: string
  thisDevice: boolean
}

/** A deleted file in the Trash. */
export interface TrashItem {
  fileId: string
  /** Where it was. */
  path: string
  size: number
  mtime: number
  type: string
  /** When it was deleted (ms since epoch). */
  deletedAt: number
  /** When the Trash empties itself of it, unless it is restored first. */
  emptiesAt: number
}

/** How long earlier versions are kept (Settings): days after they were replaced, or the newest few. */
export type VersionRetention = { keep: 'days', days: number } | { keep: 'count', count: number }
