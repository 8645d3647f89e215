import type { BackupPeerInfo } from '../../core/rpc/api.ts'

const DAY_MS = 86_400_000

/** A retention time in words ("30 days", "6 hours"). */
function span (ms: number): string {
  const days = Math.round(ms / DAY_MS)
  if (days >= 1) return `${days} ${days === 1 ? 'day' : 'days'}`
  const hours = Math.max(1, Math.round(ms / 3_600_000))
  return `${hours} ${hours === 1 ? 'hour' : 'hours'}`
}

/**
 * What the paired backup peers do with a file the user deletes, as the
 * delete and Empty trash dialogs say it: what each peer reported it does
 * (keepsDeleted: a retention time, or append-only and never deleting), and
 * nothing about a backup peer when there is none. `moment` is where the file
 * goes now: into the Trash (still pinned) or out of it (unpinned, so each
 * peer's own rule starts).
 */
export function peerCopyWords (peers: readonly BackupPeerInfo[], moment: 'delete' | 'empty'): string {
  if (peers.length === 0) return ''
  const whose = peers.length === 1 ? 'Your backup peer keeps its copy' : 'Your backup peers keep their copies'
  const rules = new Set(peers.map(p => p.keepsDeleted === undefined ? 'unknown' : p.keepsDeleted.appendOnly ? 'append-only' : span(p.keepsDeleted.retentionMs)))
  const inTrash = moment === 'delete' ? ' while the file is in the Trash, and' : ''
  if (rules.size === 1) {
    const [rule] = rules
    if (rule === 'append-only') return `${whose} for good: ${peers.length === 1 ? 'it is' : 'they are'} append-only and never delete${peers.length === 1 ? 's' : ''}.`
    if (rule !== 'unknown') return `${whose}${inTrash} for ${rule} after${moment === 'empty' ? ' that' : ''}, then frees ${peers.length === 1 ? 'it' : 'them'}.`
  }
  // Peers that differ (or one that has not said yet): each by its own rule.
  return `${whose}${inTrash} for as long as ${peers.length === 1 ? 'it keeps' : 'each keeps'} deleted files (see Backup).`
}
