import type { BackupPeerInfo } from '../../../core/rpc/api.ts'

/** What the peer does with what the vault deletes, in words (a stolen device cannot wipe the backup at once). */
export function keepsDeletedText (keeps: NonNullable<BackupPeerInfo['keepsDeleted']>): string {
  if (keeps.appendOnly) return 'Kept for good: this peer is append-only and never deletes (only its operator can free space)'
  const days = Math.round(keeps.retentionMs / 86_400_000)
  const span = days >= 1 ? `${days} ${days === 1 ? 'day' : 'days'}` : `${Math.max(1, Math.round(keeps.retentionMs / 3_600_000))} hours`
  return `Kept on this peer for ${span}, then freed`
}
