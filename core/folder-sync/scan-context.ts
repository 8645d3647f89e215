import type { ErrorCode } from '../errors.ts'
import { normalizePath } from '../index/paths.ts'
import type { FolderEntry, FolderSource } from './folder-source.ts'
import type { ScanState, TrackedFile } from './scan-state.ts'
import type { FolderSyncInit, ScanReport, SyncProgress } from './sync-types.ts'
import type { SyncVault } from './vault-port.ts'
import type { Log } from '../log.ts'

/** What one scan works on: the folder as listed now, the state it last saw, and what it reports. */
export interface ScanContext {
  init: FolderSyncInit
  source: FolderSource
  vault: SyncVault
  log: Log
  now: number
  state: ScanState
  listing: Map<string, FolderEntry>
  report: ScanReport
  progress: SyncProgress
  /** Saves the state now and then (every few seconds) during a long scan, so a crash loses little. */
  checkpoint: () => Promise<void>
  /** Disk paths handled this scan (a conflict's rename): the later passes leave them. */
  handled: Set<string>
  /** Set when the state changed in a way no count of the report shows (a kept conflict copy adopted), so it is saved. */
  dirty: boolean
  /** Whether the ignore rules leave `path` out (the file, or a folder it is in): such a path on disk is never written, moved or trashed. */
  ignored: (path: string) => boolean
  /**
   * Whether `path` is, or is under, something the listing could not look at (a folder it may not read): a file
   * tracked there is not taken for deleted, and nothing is written, moved or trashed there until it can be seen.
   */
  unseen: (path: string) => boolean
}

/** The vault path of a folder-relative path (NFC, as local actions store it). Throws PATH_INVALID. */
export function vaultPathOf (init: FolderSyncInit, rel: string): string {
  return normalizePath(init.vaultFolder === '' ? rel : `${init.vaultFolder}/${rel}`)
}

/** The folder-relative part of a vault path, or undefined when it is outside the mapped folder. */
export function relativeOf (init: FolderSyncInit, vaultPath: string): string | undefined {
  if (init.vaultFolder === '') return vaultPath
  const prefix = `${init.vaultFolder}/`
  return vaultPath.startsWith(prefix) ? vaultPath.slice(prefix.length) : undefined
}

/** Whether the file on disk is as the last scan left it. */
export function unchanged (entry: FolderEntry | undefined, tracked: TrackedFile): boolean {
  return entry !== undefined && entry.size === tracked.size && entry.mtime === tracked.mtime
}

/**
 * Whether the file at `path` is still as the listing saw it (or still absent):
 * asked again right before the disk is changed, since a long scan's listing
 * may be minutes old and the user may have saved since.
 */
export async function stillAsListed (ctx: ScanContext, path: string): Promise<boolean> {
  const now = await ctx.source.stat(path)
  const listed = ctx.listing.get(path)
  return now === undefined ? listed === undefined : listed !== undefined && now.size === listed.size && now.mtime === listed.mtime
}

/** The disk's refusals (errno names, as node:fs gives them) as the codes the folder's card has words for. */
const DISK_CODES: Record<string, ErrorCode> = {
  EACCES: 'FOLDER_ACCESS_DENIED',
  EPERM: 'FOLDER_ACCESS_DENIED',
  EBUSY: 'FOLDER_FILE_BUSY',
  ETXTBSY: 'FOLDER_FILE_BUSY',
  ENAMETOOLONG: 'FOLDER_PATH_TOO_LONG',
  EROFS: 'FOLDER_READ_ONLY',
  ENOSPC: 'FOLDER_DISK_FULL',
  EDQUOT: 'FOLDER_DISK_FULL',
  EIO: 'FOLDER_DISK_ERROR',
  ENXIO: 'FOLDER_DISK_ERROR',
  ENODEV: 'FOLDER_DISK_ERROR',
  // What node:fs says on a mount (NFS, SMB/CIFS, sshfs) whose server or connection is gone.
  ENOTCONN: 'FOLDER_SHARE_DISCONNECTED',
  ESTALE: 'FOLDER_SHARE_DISCONNECTED',
  EHOSTDOWN: 'FOLDER_SHARE_DISCONNECTED',
  EHOSTUNREACH: 'FOLDER_SHARE_DISCONNECTED',
  ENETDOWN: 'FOLDER_SHARE_DISCONNECTED',
  ENETUNREACH: 'FOLDER_SHARE_DISCONNECTED',
  ETIMEDOUT: 'FOLDER_SHARE_DISCONNECTED',
  ECONNRESET: 'FOLDER_SHARE_DISCONNECTED',
  ECONNABORTED: 'FOLDER_SHARE_DISCONNECTED',
  ECONNREFUSED: 'FOLDER_SHARE_DISCONNECTED'
}

/** `code` as the card shows it: an errno name becomes the app's code for it; any other stays as it is. */
export function diskCode (code: string): string {
  return Object.hasOwn(DISK_CODES, code) ? DISK_CODES[code] ?? code : code
}

/** The code of a failure, for the report and the folder's state (errno names mapped by diskCode). */
export function codeOf (err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string' ? diskCode((err as { code: string }).code) : 'INTERNAL'
}
