import type { FileHealth } from '../vault/vault-views.ts'

/**
 * Stored data: damaged and repaired files, Settings → "Check stored data".
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

export type { FileHealth, StorageCheckProgress, DamagedBlock, StorageCheckResult } from '../vault/vault-views.ts'

/** A file found damaged or repaired (the `storage.damage` event): the UI names it. */
export interface FileDamage {
  fileId: string
  path: string
  state: FileHealth
  /** The damage is in an earlier version of the file, or in the Trash, not in what Files shows. */
  where?: 'version' | 'trash'
}
