import { CairnError } from '../../errors.ts'
import { ManifestGapError } from './backup-errors.ts'
import type { BackupClient, BackupPeer } from './backup-client.ts'
import type { ManifestLog } from './manifest-log.ts'

/**
 * Sends a peer every manifest its log has not had acknowledged, in order.
 * A MANIFEST_GAP rewinds the log to what the peer expects and carries on;
 * any other refusal stops and is thrown (the log keeps the rest for next
 * time). Returns how many manifests the peer applied.
 */
export async function sendPendingManifests (client: BackupClient, peer: BackupPeer, log: ManifestLog, maxRewinds = 3): Promise<number> {
  let applied = 0
  let rewinds = 0
  for (let pending = log.pending(); pending.length > 0; pending = log.pending()) {
    const manifest = pending[0]
    if (manifest === undefined) break
    try {
      const answer = await client.sendManifest(peer, manifest)
      if (answer.applied) applied++
      await log.acknowledge(manifest.seq)
    } catch (err) {
      if (!(err instanceof ManifestGapError)) throw err
      if (++rewinds > maxRewinds) throw new CairnError('MANIFEST_GAP', `the backup peer keeps asking for seq ${err.expected}`, { cause: err })
      await log.rewind(err.expected)
    }
  }
  return applied
}
