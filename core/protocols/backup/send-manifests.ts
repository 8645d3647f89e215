import { CairnError, isCairnError } from '../../errors.ts'
import { ManifestGapError } from './backup-errors.ts'
import type { BackupClient, BackupPeer } from './backup-client.ts'
import type { ManifestLog } from './manifest-log.ts'
import { systemClock, type Clock } from '../../clock.ts'

/** What an append-only peer refused to delete while sending. */
export interface SendOptions {
  maxRewinds?: number
  /** Called when an append-only peer refused `count` deletions (the manifest went again without them). */
  onDeletionsRefused?: (count: number) => void
  /** The clock share expiries are judged by (default the system clock). */
  now?: Clock
}

/**
 * Sends a peer every manifest its log has not had acknowledged, in order.
 * A MANIFEST_GAP rewinds the log to what the peer expects and carries on;
 * a DELETION_REFUSED (an append-only peer) resends the manifest without its
 * deletions and carries on; any other refusal stops and is thrown (the log
 * keeps the rest for next time). Pins of share copies that expired meanwhile
 * are left out. Returns how many manifests the peer applied.
 */
export async function sendPendingManifests (client: BackupClient, peer: BackupPeer, log: ManifestLog, options: SendOptions = {}): Promise<number> {
  const maxRewinds = options.maxRewinds ?? 3
  let applied = 0
  let rewinds = 0
  await log.withoutExpired((options.now ?? systemClock)())
  for (let pending = log.pending(); pending.length > 0; pending = log.pending()) {
    const manifest = pending[0]
    if (manifest === undefined) break
    try {
      const answer = await client.sendManifest(peer, manifest)
      if (answer.applied) applied++
      await log.acknowledge(manifest.seq)
    } catch (err) {
      if (isCairnError(err, 'DELETION_REFUSED')) {
        const removed = await log.withoutDeletions(manifest.seq)
        if (removed === 0) throw err
        options.onDeletionsRefused?.(removed)
        continue
      }
      if (!(err instanceof ManifestGapError)) throw err
      if (++rewinds > maxRewinds) throw new CairnError('MANIFEST_GAP', `the backup peer keeps asking for seq ${err.expected}`, { cause: err })
      await log.rewind(err.expected)
    }
  }
  return applied
}
