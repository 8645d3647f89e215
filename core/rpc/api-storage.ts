/**
 * Stored data: damaged and repaired files, Settings → "Check stored data".
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

/** What a read or a check of this device's stored data found in one file. */
export type FileHealth = 'damaged' | 'repaired'

/** A file found damaged or repaired (the `storage.damage` event): the UI names it. */
export interface FileDamage {
  fileId: string
  path: string
  state: FileHealth
  /** The damage is in an earlier version of the file, or in the Trash, not in what Files shows. */
  where?: 'version' | 'trash'
}

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
