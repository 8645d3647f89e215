import type { Clock } from '../clock.ts'
import type { Log } from '../log.ts'
import type { FolderSource } from './folder-source.ts'
import type { ScanStateStore } from './scan-state.ts'
import type { SyncVault } from './vault-port.ts'

import type { SyncMode } from '../rpc/api-sync.ts'

/** "Back up": disk → vault only. "Two-way": changes made on other devices are written into the folder too. */
export type { SyncMode }

export interface FolderSyncInit {
  mode: SyncMode
  /** The vault folder the folder maps to ('' is the vault's root). */
  vaultFolder: string
  /** A file modified less than this long ago is still being written: it waits for a later scan. */
  settleMs: number
  /** Names this device in conflict copies (conflict-name.ts). */
  deviceLabel: string
}

export interface FolderSyncComponents {
  source: FolderSource
  vault: SyncVault
  state: ScanStateStore
  log: Log
  now?: Clock
}

/** What one scan did. */
export interface ScanReport {
  /** Files whose content was new to the vault. */
  uploaded: number
  /** Files added or changed whose content the vault already held (nothing stored). */
  deduplicated: number
  /** Files moved or renamed on disk, recorded as a rename in the vault (no upload). */
  moved: number
  /** Files gone from disk, recorded as deletions (tombstones, in the vault's Trash). */
  deleted: number
  /** Two-way: files written into the folder from the vault. */
  written: number
  /** Two-way: files moved into `.cairn-trash/` because another device deleted them. */
  trashed: number
  /** Two-way: files changed on disk and in the vault at once, kept both (the disk's under a conflict name). */
  conflicts: number
  /** Files still being written, left for the next scan. */
  unsettled: number
  /** Files not synced, with why (an invalid name, a read that failed). */
  skipped: Array<{ path: string, code: string }>
  /** Vault files written under a safe name because the file system cannot hold theirs. */
  renamedForDisk: Array<{ vaultPath: string, diskPath: string }>
  /** Files in step after the scan. */
  tracked: number
  /**
   * The folder's root held nothing at all while files of it were tracked (an
   * unplugged drive or share leaves its empty mount point): the scan recorded
   * nothing and wrote nothing, and waits for the files to come back or for
   * the user to confirm the folder really is empty.
   */
  rootEmpty: boolean
}

/** Where a scan is: counts and bytes to go, for the progress bar. */
export interface SyncProgress {
  phase: 'idle' | 'scanning' | 'syncing'
  filesToGo: number
  bytesToGo: number
  filesDone: number
  bytesDone: number
  /** When this phase started (ms), for the rate. */
  since: number
}

export function emptyReport (): ScanReport {
  return { uploaded: 0, deduplicated: 0, moved: 0, deleted: 0, written: 0, trashed: 0, conflicts: 0, unsettled: 0, skipped: [], renamedForDisk: [], tracked: 0, rootEmpty: false }
}
