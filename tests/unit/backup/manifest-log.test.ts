import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { ManifestLog, MAX_ROOTS_PER_MANIFEST, type ManifestSnapshot } from '../../../core/protocols/backup/manifest-log.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { addressOf, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'
import type { Datastore } from 'interface-datastore'

const CIDS = [
  'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'bafkreiac3npiiao5m2dfg72wbk7dwz4u34hkpxyeslj6tzpsemeh4sowpm',
  'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
]

function makeLog (datastore: Datastore, snapshot: ManifestSnapshot = { pin: [] }): ManifestLog {
  return new ManifestLog({ datastore }, { peer: 'peerA', device: 'deviceA', snapshot: async () => snapshot })
}

test('manifests get consecutive seqs, survive a restart until acknowledged, and are split when huge', async () => {
  const datastore = new MemoryDatastore()
  const log = makeLog(datastore)
  await log.start()
  await log.append({ pin: [CIDS[0] as string], unpin: [], sizes: { [CIDS[0] as string]: 10 } })
  await log.append({ pin: [], unpin: [CIDS[0] as string], heads: { deviceA: { cid: CIDS[1] as string, seq: 4 } } })
  assert.deepEqual(log.pending().map(m => m.seq), [1, 2])
  assert.deepEqual(log.pending()[0], { device: 'deviceA', seq: 1, pin: [CIDS[0]], unpin: [], sizes: { [CIDS[0] as string]: 10 } })

  const reopened = makeLog(datastore)
  await reopened.start()
  assert.deepEqual(reopened.pending(), log.pending())
  await reopened.acknowledge(1)
  assert.equal(reopened.acknowledged, 1)
  assert.deepEqual(reopened.pending().map(m => m.seq), [2])

  const many = Array.from({ length: MAX_ROOTS_PER_MANIFEST + 10 }, (_, i) => CIDS[i % 3] as string)
  const made = await reopened.append({ pin: many, unpin: [], heads: { deviceA: { cid: CIDS[2] as string, seq: 9 } } })
  assert.deepEqual(made.map(m => [m.seq, m.pin.length, m.heads !== undefined]), [[3, MAX_ROOTS_PER_MANIFEST, false], [4, 10, true]])

  const third = makeLog(datastore)
  await third.start()
  assert.deepEqual(third.pending().map(m => m.seq), [2, 3, 4])
  assert.equal(third.acknowledged, 1)
})

test('rewind: a peer behind resumes from the outbox; a peer that lost track gets a snapshot at the seq it expects', async () => {
  const log = makeLog(new MemoryDatastore(), { pin: [CIDS[2] as string], heads: { deviceA: { cid: CIDS[1] as string, seq: 7 } } })
  await log.start()
  for (const cid of CIDS) await log.append({ pin: [cid], unpin: [] })
  await log.rewind(2) // the peer has 1: drop it, resume from 2
  assert.equal(log.acknowledged, 1)
  assert.deepEqual(log.pending().map(m => m.seq), [2, 3])

  await log.acknowledge(3)
  await log.rewind(1) // acknowledged 3, yet the peer wants 1: it lost its state
  assert.deepEqual(log.pending(), [{ device: 'deviceA', seq: 1, pin: [CIDS[2]], unpin: [], heads: { deviceA: { cid: CIDS[1], seq: 7 } } }])
  assert.equal(log.acknowledged, 0)
  const [next] = await log.append({ pin: [CIDS[0] as string], unpin: [] })
  assert.equal(next?.seq, 2)
})

test('sendPendingManifests: a gap answered by the peer is healed with a snapshot and replication completes', async () => {
  const peer = await startPeer()
  const device = await startDevice()
  try {
    const file = await storeRandomFile(device.blockstore, 400_000)
    const root = file.root.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    const log = new ManifestLog({ datastore: device.datastore }, { peer: peer.helia.libp2p.peerId.toString(), device: device.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [root] }) })
    await log.start()
    await log.append({ pin: [], unpin: [] })
    await log.append({ pin: [], unpin: [] })
    await log.append({ pin: [root], unpin: [] })
    // The log believes 1 and 2 arrived, but this peer never saw them: it answers MANIFEST_GAP (expected 1).
    await log.acknowledge(2)
    assert.equal(await sendPendingManifests(device.client, at, log), 1)
    assert.deepEqual(log.pending(), [])
    assert.equal(log.acknowledged, 1)
    await waitFor(async () => (await device.client.status(at)).pinned === 1, 15_000, 'the snapshot root pinned')
    assert.deepEqual((await device.client.status(at)).lastSeq, { [device.helia.libp2p.peerId.toString()]: 1 })
    assert.ok(peer.log.has('warn', /MANIFEST_GAP/))
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
