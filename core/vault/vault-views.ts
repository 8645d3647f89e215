/*
 * The shapes the vault reports: its files, versions and Trash, checks of its
 * stored data, its share links, its lock state. Declared here, beside what
 * produces them, so the vault never imports core/rpc/; the node's API
 * contract (core/rpc/api-*.ts) re-exports them. Everything here must survive
 * structured clone.
 */

// Files

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
  /** True for a conflict copy: it lost a path to a concurrent change and shows as `name (conflict, DEVICE, DATE).ext`. */
  conflict?: boolean
  /** For a conflict copy: the path it lost (where "the other" version is), e.g. "notes/todo.txt". */
  conflictOf?: string
  /** For a concurrent edit shown beside its file (same fileId): the edit's version id (core/index/conflicts.ts). */
  versionId?: string
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
/** What "Restore" of several Trash items did (`trash.restoreMany`). */
export interface TrashRestoreResult {
  /** Each file back, and where it was (a taken name gets "name (2).ext"). */
  restored: Array<{ file: FileInfo, was: string }>
  /** Not restored: no longer in the Trash ('gone'), or a file now has the name of its folder ('blocked'). */
  skipped: Array<{ fileId: string, path?: string, reason: 'gone' | 'blocked' }>
}

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

// Stored data

/** What a read or a check of this device's stored data found in one file. */
export type FileHealth = 'damaged' | 'repaired'

/** Settings → "Check stored data", as it goes. */
export interface StorageCheckProgress {
  blocksChecked: number
  blocksTotal: number
  bytesChecked: number
  bytesTotal: number
  /** Damaged blocks found so far. */
  damaged: number
  /** ms since the check started. */
  elapsedMs: number
}

/** One damaged block a check found. */
export interface DamagedBlock {
  cid: string
  /** Paths of the files it belongs to; empty for the vault's index or data of no file. */
  files: string[]
  /** True when a good copy from a peer replaced it. */
  repaired: boolean
}

/** Settings → "Check stored data": every local block re-read and re-hashed. */
export interface StorageCheckResult {
  blocks: number
  bytes: number
  elapsedMs: number
  damaged: DamagedBlock[]
}

// Shares

/** One share link I made, as "My shares" lists it (issue 4). */
export interface ShareInfo {
  id: string
  /** The vault file it is a copy of ('' for a folder). */
  fileId: string
  /** A folder share: the folder's path, and how many files its snapshot holds. */
  folder?: string
  fileCount?: number
  /** Root CID of the share's own encrypted copy. */
  cid: string
  name: string
  /** Bytes shared (a folder: all its files). */
  size: number
  type: string
  /** ms since epoch. */
  createdAt: number
  /** After this (ms since epoch) the backup peers unpin it by themselves; absent = never. */
  expiresAt?: number
  /** True once expiresAt has passed: the link no longer works. */
  expired: boolean
  /** The link (`ORIGIN/#/s/…`): it carries the share key. */
  link: string
  /** Paired backup peers (peer ids) that hold all of the share's data. */
  pinnedOn: string[]
}

// The vault

export type VaultState = 'none' | 'locked' | 'unlocked'

export interface VaultStatus {
  state: VaultState
  /** Minutes of inactivity before the worker locks the vault by itself. */
  autoLockMinutes: number
  /** Locked because another device changed the vault's keys ("Remove and rotate keys"): unlock again to take the new key. */
  keysChanged?: boolean
  /**
   * The vault was created on this device and its recovery phrase was never
   * typed back (the tab closed on "Write down your recovery phrase"): the app
   * reminds the user until they confirm it (`vault.confirmRecoveryPhrase`).
   */
  recoveryPhraseUnconfirmed?: true
}

/** Where a file's blocks are: the Files page's "on this device", "on the backup peer", "on Laptop". */
export interface FileLocation {
  /** 'all' when every block is in this device's store, 'some' or 'none' otherwise. */
  local: 'all' | 'some' | 'none'
  /** PeerIds of backup peers that confirmed they hold the whole file. */
  peers: string[]
  /** Names of other devices that reported holding the whole file. */
  devices: string[]
  /** "Keep on this device" is on for the file (or a folder above it). */
  keep: boolean
  /** When `keep` comes from a folder's "Keep on this device": that folder's path, no trailing '/' ("photos/2024"). */
  keptFolder?: string
}

/** Result of "Free up space". */
export interface FreedSpace {
  files: number
  bytes: number
  /** Files kept because no backup peer or other device confirmed holding them in full. */
  skipped: number
  /** Files kept because the backup peer or device that claimed them could not send their blocks back (lost, damaged, or a lie); absent when none. */
  unproven?: number
}
