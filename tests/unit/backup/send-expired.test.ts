import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import type { ManifestBody } from '../../../core/protocols/backup/messages.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { manualClock } from '../support/clock.ts'
import type { BackupClient, BackupPeer } from '../../../core/protocols/backup/backup-client.ts'

// Years after any real clock reads now: only the injected clock can make the share expire.
const T0 = Date.UTC(2040, 0, 1)

test('a share pin that expired while its manifest waited is left out when it goes, by the injected clock', async () => {
  const sent: ManifestBody[] = []
  const client = { sendManifest: async (_peer: BackupPeer, manifest: ManifestBody) => { sent.push(manifest); return { seq: manifest.seq, applied: true } } } as unknown as BackupClient
  const log = new ManifestLog({ datastore: new MemoryDatastore() }, { peer: 'peer', device: 'device', snapshot: async () => ({ pin: [] }) })
  await log.start()
  await log.append({ pin: ['file', 'share', 'later'], unpin: [], shares: ['share', 'later'], expires: { share: T0 + 1000, later: T0 + 5000 } })

  const clock = manualClock(T0 + 1000)
  assert.equal(await sendPendingManifests(client, 'peer' as unknown as BackupPeer, log, { now: clock.now }), 1)
  assert.deepEqual(sent.map(m => [m.pin, m.shares, m.expires]), [[['file', 'later'], ['later'], { later: T0 + 5000 }]])
  assert.deepEqual(log.pending(), [])
})
