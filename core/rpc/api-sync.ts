/**
 * Folder sync (issue 14): the Sync page's calls and what they return. A
 * folder is named by where it is: a path on disk (the desktop app), or the
 * IndexedDB key under which the page stored the directory handle the user
 * picked (a browser with `showDirectoryPicker`).
 */

export type SyncMode = 'backup' | 'two-way'

export type SyncFolderLocation = { kind: 'path', path: string } | { kind: 'handle', key: string }

export interface AddSyncFolderArgs {
  location: SyncFolderLocation
  mode: SyncMode
  /** The vault folder it maps to ('' is the vault's root; no leading or trailing '/'). */
  vaultFolder: string
}

export type SyncFolderState =
  /** Scanning or sending files. */
  | 'syncing'
  /** Every file is in step. */
  | 'in-step'
  | 'paused'
  /** The browser needs the user's one click to let Cairn use the folder again (after a restart). */
  | 'needs-permission'
  /** The folder cannot be read (gone, unplugged); `error` says why. */
  | 'unavailable'
  /**
   * The folder is empty now while the vault holds its files (an unplugged drive or share leaves its mount point
   * empty): nothing was deleted. It goes on when the files are back, or when the user confirms it is empty.
   */
  | 'emptied'
  /** The vault is locked: nothing syncs until it opens. */
  | 'locked'

export interface SyncFolderInfo {
  id: string
  /** The folder's own name ("Documents"), or its path on the desktop. */
  label: string
  location: SyncFolderLocation
  mode: SyncMode
  vaultFolder: string
  /** How often the folder is scanned on a schedule (s); a watcher only makes it sooner. */
  rescanSeconds: number
  state: SyncFolderState
  progress: {
    filesToGo: number
    bytesToGo: number
    filesDone: number
    bytesDone: number
    /** Bytes per second over the current scan, 0 when idle. */
    rate: number
  }
  /** When the last scan ended (ms), if one has. */
  lastScanAt?: number
  /** Files in step at the last scan ('emptied': the files the vault holds for the folder, none deleted). */
  files: number
  /** What the last round of changes did (the scans from one in-step state to the next). */
  last?: SyncChanges
  /** Files not synced in the last scan, with the error code that stopped them. */
  skipped: Array<{ path: string, code: string }>
  /** Vault files written here under a safe name because this file system cannot hold theirs. */
  renamedForDisk: Array<{ vaultPath: string, diskPath: string }>
  /** The error code when `state` is 'unavailable'. */
  error?: string
}

export interface SyncChanges { uploaded: number, deleted: number, moved: number, written: number, trashed: number, conflicts: number }

export interface RestoreFolderArgs {
  location: SyncFolderLocation
  vaultFolder: string
}

/** How far a restore has got (the event `sync.restore.progress`): the totals first, then after each file. */
export interface RestoreProgress { filesDone: number, filesTotal: number, bytesDone: number, bytesTotal: number }

/** The rescan interval a user may choose (s): from 10 s to a day. */
export const RESCAN_SECONDS_MIN = 10
export const RESCAN_SECONDS_MAX = 86_400
