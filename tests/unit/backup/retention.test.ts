import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf, heldBlocks, mh, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'

const RETENTION = 600_000

test('an unpinned root is kept for the retention period, then its blocks and bytes are freed; pinning again in time keeps it', async () => {
  // The retention period runs on a clock the test moves: no waiting it out.
  let clock = Date.now()
  const peer = await startPeer({ retentionMs: RETENTION, now: () => clock })
  const device = await startDevice()
  try {
    const [gone, kept] = [await storeRandomFile(device.blockstore, 1_500_000), await storeRandomFile(device.blockstore, 300_000)]
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [gone.root.toString(), kept.root.toString()], unpin: [] })
    await waitFor(async () => (await device.client.status(at)).pinned === 2, 15_000, 'both files pinned')
    assert.equal((await device.client.status(at)).bytes, gone.bytes + kept.bytes)

    await device.client.sendManifest(at, { device: id, seq: 2, pin: [], unpin: [gone.root.toString(), kept.root.toString()] })
    // A deletion undone within the retention period: the root stays pinned.
    await device.client.sendManifest(at, { device: id, seq: 3, pin: [kept.root.toString()], unpin: [] })
    const during = await device.client.status(at)
    assert.equal(during.unpinning, 1)
    assert.equal(during.pinned, 1)
    assert.equal(during.bytes, gone.bytes + kept.bytes, 'nothing is freed before the retention period ends')
    assert.ok((await heldBlocks(peer.blockstore)).set.has(mh(gone.root)))

    clock += RETENTION - 1
    peer.service.tick()
    assert.equal((await device.client.status(at)).unpinning, 1, 'not freed early')
    clock += 1
    peer.service.tick()
    await waitFor(async () => (await device.client.status(at)).unpinning === 0, 10_000, 'the unpinned root to be freed')
    const after = await device.client.status(at)
    assert.equal(after.bytes, kept.bytes)
    assert.equal(after.pinned, 1)
    const held = await heldBlocks(peer.blockstore)
    assert.ok(gone.blocks.every(cid => !held.set.has(mh(cid))), 'every block of the unpinned file is deleted')
    assert.ok(kept.blocks.every(cid => held.set.has(mh(cid))), 'the re-pinned file is intact')
    assert.equal(await peer.helia.pins.isPinned(gone.root), false)
    assert.deepEqual(await device.client.holds(at, [gone.root.toString(), kept.root.toString()]), new Set([kept.root.toString()]))
    assert.ok(peer.log.has('info', /freed .* after its retention period/))
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
