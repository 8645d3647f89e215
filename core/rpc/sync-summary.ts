import type { SyncFolderInfo } from './api-sync.ts'

/**
 * Where the synced folders stand, all together: the page title (web) and the
 * desktop tray say it from this one reading of `sync.listFolders`.
 * Undefined when no folder is synced.
 */
export type SyncSummary =
  | { state: 'in-step' }
  | { state: 'syncing', filesToGo: number }
  /** Every folder not in step is paused. */
  | { state: 'paused' }
  /** Waiting for permission, unreachable or locked. */
  | { state: 'not-in-step' }

export function syncSummary (folders: readonly SyncFolderInfo[]): SyncSummary | undefined {
  if (folders.length === 0) return undefined
  if (folders.every(f => f.state === 'in-step')) return { state: 'in-step' }
  if (folders.some(f => f.state === 'syncing')) return { state: 'syncing', filesToGo: folders.reduce((sum, f) => sum + f.progress.filesToGo, 0) }
  if (folders.every(f => f.state === 'in-step' || f.state === 'paused')) return { state: 'paused' }
  return { state: 'not-in-step' }
}
