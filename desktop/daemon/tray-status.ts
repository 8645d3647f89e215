import type { VaultNode } from '../../core/node/vault-node.ts'

/** What the tray shows (desktop/tray/tray.ts's TrayStatus without the toggles). */
export interface NodeTrayState {
  icon: 'normal' | 'busy' | 'error'
  line: string
}

/**
 * The tray's one status line, from what the node knows now: locked, paused,
 * offline, backing up N files, a backup peer that fails, all backed up.
 */
export function trayStateOf (node: VaultNode | undefined, paused: boolean): NodeTrayState {
  if (node === undefined) return { icon: 'busy', line: 'Starting…' }
  if (node.vault.status().state !== 'unlocked') return { icon: 'normal', line: 'Locked' }
  if (paused) return { icon: 'normal', line: 'Syncing paused' }
  if (node.helia.libp2p.getConnections().length === 0) return { icon: 'error', line: 'Offline' }
  const peers = node.backups.list()
  if (peers.length === 0) return { icon: 'normal', line: 'No backup peer yet' }
  const files = node.vault.files().list()
  const waiting = files.filter(file => !node.backups.holds(file.cid)).length
  if (waiting > 0) return { icon: 'busy', line: `Backing up ${waiting} ${waiting === 1 ? 'file' : 'files'}` }
  if (peers.every(peer => !peer.online && peer.lastError !== undefined)) return { icon: 'error', line: 'Backup peer unreachable' }
  return { icon: 'normal', line: 'All backed up' }
}
