import type { VaultNode } from '../../core/node/vault-node.ts'
import { syncSummary } from '../../core/rpc/sync-summary.ts'
import type { SyncFolderInfo } from '../../core/rpc/api-sync.ts'

/** What the tray shows (desktop/tray/tray.ts's TrayStatus without the toggles). */
export interface NodeTrayState {
  icon: 'normal' | 'busy' | 'error'
  line: string
  /** The synced folders' line; absent when no folder is synced. */
  folders?: string
}

/** "Folders in step", "Syncing 3 files…", "Sync paused", "Folders not in step": the Sync page's states in one line. */
export function foldersLine (folders: readonly SyncFolderInfo[]): string | undefined {
  const summary = syncSummary(folders)
  switch (summary?.state) {
    case undefined: return undefined
    case 'in-step': return 'Folders in step'
    case 'syncing': return summary.filesToGo === 0 ? 'Syncing folders…' : `Syncing ${summary.filesToGo} ${summary.filesToGo === 1 ? 'file' : 'files'}…`
    case 'paused': return 'Sync paused'
    case 'not-in-step': return 'Folders not in step'
  }
}

/**
 * The tray's one status line, from what the node knows now: no vault yet,
 * paused, locked, no backup peer yet, offline, backing up N files, a backup
 * peer that fails, all backed up. Paused comes before locked: the person chose it, and the line
 * confirms their click.
 */
export function trayStateOf (node: VaultNode | undefined, paused: boolean): NodeTrayState {
  const state = nodeStateOf(node, paused)
  const folders = node === undefined ? undefined : foldersLine(node.syncFolders())
  return folders === undefined ? state : { ...state, folders }
}

function nodeStateOf (node: VaultNode | undefined, paused: boolean): NodeTrayState {
  if (node === undefined) return { icon: 'busy', line: 'Starting…' }
  const state = node.vault.status().state
  // A fresh install: "Locked" would send the person looking for a passphrase they never set.
  if (state === 'none') return { icon: 'normal', line: 'No vault yet' }
  if (paused) return { icon: 'normal', line: 'Syncing paused' }
  if (state !== 'unlocked') return { icon: 'normal', line: 'Locked' }
  const peers = node.backups.list()
  // Before Offline: a new vault on one computer has nothing to connect to yet, and nothing is wrong.
  if (peers.length === 0) return { icon: 'normal', line: 'No backup peer yet' }
  if (node.helia.libp2p.getConnections().length === 0) return { icon: 'error', line: 'Offline' }
  const files = node.vault.files().list()
  const waiting = files.filter(file => !node.backups.holds(file.cid)).length
  if (waiting > 0) return { icon: 'busy', line: `Backing up ${waiting} ${waiting === 1 ? 'file' : 'files'}` }
  if (peers.every(peer => !peer.online && peer.lastError !== undefined)) return { icon: 'error', line: 'Backup peer unreachable' }
  return { icon: 'normal', line: 'All backed up' }
}
