import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { addressOf, GatedBlockstore, heldBlocks, mh, readBlock, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'

test('drop frees a root at once: blocks deleted, bytes down, not held, no longer served by bitswap', async () => {
  // The default retention (30 days): only the drop can free anything within this test.
  const peer = await startPeer()
  const device = await startDevice()
  const stranger = await startDevice()
  try {
    const [gone, kept] = [await storeRandomFile(device.blockstore, 600_000), await storeRandomFile(device.blockstore, 200_000)]
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    // `gone` is a share copy (what drop is for): the peer serves it to anyone until it is dropped.
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [gone.root.toString(), kept.root.toString()], unpin: [], shares: [gone.root.toString()] })
    await waitFor(async () => (await device.client.status(at)).pinned === 2, 15_000, 'both files pinned')
    // The device goes away: from now on only the peer could serve these blocks.
    await device.helia.libp2p.hangUp(peer.helia.libp2p.peerId)

    const leaves = gone.blocks.filter(cid => cid.code === 0x55)
    const [before, after] = [leaves[0], leaves[1]]
    assert.ok(before !== undefined && after !== undefined)
    await stranger.helia.libp2p.dial(at)
    const served = await readWholeBlock(stranger.helia.blockstore, before, { signal: AbortSignal.timeout(5_000) })
    assert.ok(served.byteLength > 0, 'the peer serves the share copy by bitswap before the drop')

    const answer = await device.client.sendManifest(at, { device: id, seq: 2, pin: [], unpin: [], drop: [gone.root.toString()] })
    assert.deepEqual(answer, { seq: 2, applied: true })
    // The answer comes once the blocks are gone: no waiting.
    const held = await heldBlocks(peer.blockstore)
    assert.ok(gone.blocks.every(cid => !held.set.has(mh(cid))), 'every block of the dropped root is deleted')
    assert.ok(kept.blocks.every(cid => held.set.has(mh(cid))), 'the other root is intact')
    assert.equal(await peer.helia.pins.isPinned(gone.root), false)
    const status = await device.client.status(at)
    assert.deepEqual([status.bytes, status.pinned, status.unpinning, status.pending], [kept.bytes, 1, 0, 0])
    assert.deepEqual(await device.client.holds(at, [gone.root.toString(), kept.root.toString()]), new Set([kept.root.toString()]))
    assert.ok(peer.log.has('info', /freed .* as dropped/))

    await assert.rejects(readWholeBlock(stranger.helia.blockstore, after, { signal: AbortSignal.timeout(1_500) }), 'a dropped block is not served any more')

    // Dropping again, or dropping what was never pinned, is harmless.
    await device.client.sendManifest(at, { device: id, seq: 3, pin: [], unpin: [], drop: [gone.root.toString()] })
    assert.equal((await device.client.status(at)).bytes, kept.bytes)
  } finally {
    await stranger.helia.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('a root that another vault also pins keeps its blocks when one vault drops it', async () => {
  const peer = await startPeer()
  const a = await startDevice()
  const b = await startDevice()
  try {
    const file = await storeRandomFile(a.blockstore, 300_000)
    const at = addressOf(peer)
    for (const d of [a, b]) await d.client.pair(at, await peer.service.createPairingCode())
    await a.client.sendManifest(at, { device: a.helia.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [], shares: [file.root.toString()] })
    await waitFor(async () => (await a.client.status(at)).pinned === 1, 15_000, 'pinned for a')
    // b's device has the same blocks (a root is held for a vault only once its own devices sent it: cross-vault-claim.test.ts).
    for (const cid of file.blocks) await b.blockstore.put(cid, await readBlock(a.blockstore, cid))
    await b.client.sendManifest(at, { device: b.helia.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [] })
    await waitFor(async () => (await b.client.status(at)).pinned === 1, 15_000, 'pinned for b')

    await a.client.sendManifest(at, { device: a.helia.libp2p.peerId.toString(), seq: 2, pin: [], unpin: [], drop: [file.root.toString()] })
    assert.equal((await a.client.status(at)).pinned, 0)
    assert.deepEqual(await b.client.holds(at, [file.root.toString()]), new Set([file.root.toString()]))
    const held = await heldBlocks(peer.blockstore)
    assert.ok(file.blocks.every(cid => held.set.has(mh(cid))), 'the other vault still has every block')
  } finally {
    await a.helia.stop()
    await b.helia.stop()
    await stopPeer(peer)
  }
})

test('dropping a root still being fetched aborts the fetch and deletes what arrived', async () => {
  const peer = await startPeer()
  const store = new GatedBlockstore()
  const device = await startDevice(undefined, store)
  try {
    const file = await storeRandomFile(store, 2 * 1024 * 1024)
    const leaves = file.blocks.filter(cid => cid.code === 0x55)
    for (const cid of leaves) store.gated.add(cid.toString())
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [file.root.toString()], unpin: [], shares: [file.root.toString()] })
    await waitFor(async () => (await heldBlocks(peer.blockstore)).set.has(mh(file.root)), 10_000, 'the root block to arrive')
    assert.equal(peer.service.fetching, 1, 'the fetch is under way')

    await device.client.sendManifest(at, { device: id, seq: 2, pin: [], unpin: [], drop: [file.root.toString()] })
    assert.equal(peer.service.fetching, 0, 'the fetch was aborted')
    const status = await device.client.status(at)
    assert.deepEqual([status.pending, status.pinned, status.unpinning, status.failedCount, status.bytes], [0, 0, 0, 0, 0])
    assert.equal((await heldBlocks(peer.blockstore)).count, 0, 'what arrived is deleted')

    // The held-back blocks become available: nothing resumes the dropped fetch.
    store.release()
    await new Promise(resolve => setTimeout(resolve, 500))
    assert.equal((await heldBlocks(peer.blockstore)).count, 0)
    assert.equal(peer.service.fetching, 0)
    assert.ok(!peer.log.has('warn', /gave up on/), 'a drop is not a failed attempt')
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
