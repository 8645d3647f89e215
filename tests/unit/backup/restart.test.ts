import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { addressOf, GatedBlockstore, heldBlocks, indexWith, mh, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'
import { CID } from 'multiformats/cid'

test('a peer restarted mid-fetch resumes from its stores and completes: nothing missing, nothing twice', async () => {
  const peerStores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  let peer = await startPeer({ concurrency: 3 }, peerStores)
  const deviceStore = new GatedBlockstore()
  const device = await startDevice(undefined, deviceStore)
  try {
    const files = [await storeRandomFile(deviceStore, 4 * 1024 * 1024), await storeRandomFile(deviceStore, 2 * 1024 * 1024)]
    const index = await indexWith(device, files[0] as typeof files[0])
    // Hold back the second half of each file's leaves.
    for (const file of files) {
      const leaves = file.blocks.filter(cid => cid.code === 0x55)
      for (const cid of leaves.slice(Math.floor(leaves.length / 2))) deviceStore.gated.add(cid.toString())
    }
    const roots = [...files.map(f => f.root.toString()), ...index.blocks]
    await device.client.pair(addressOf(peer), await peer.service.createPairingCode())
    await device.client.sendManifest(addressOf(peer), { device: device.helia.libp2p.peerId.toString(), seq: 1, pin: roots, unpin: [], heads: index.heads })

    // Part of the content arrives, then the fetch stalls on the held-back blocks.
    await waitFor(async () => (await heldBlocks(peerStores.blockstore)).set.has(mh(files[0]?.root as CID)), 10_000, 'the first root to arrive')
    const expected = new Set([...files.flatMap(f => f.blocks.map(mh)), ...index.blocks.map(text => mh(CID.parse(text)))])
    assert.ok((await heldBlocks(peerStores.blockstore)).count < expected.size, 'some blocks are still missing when the peer stops')
    const before = peer.service.status()[0]
    assert.ok(before !== undefined && before.pending >= 1, 'fetches are pending when the peer stops')
    const peerId = peer.helia.libp2p.peerId.toString()
    await stopPeer(peer)
    deviceStore.release()

    peer = await startPeer({ concurrency: 3 }, peerStores)
    assert.equal(peer.helia.libp2p.peerId.toString(), peerId, 'same identity from the same datastore')
    assert.ok(peer.log.has('info', /[1-9][0-9]* root\(s\) to fetch/), 'the pending roots were found in the datastore')
    await device.helia.libp2p.dial(addressOf(peer))
    await waitFor(async () => (await device.client.status(addressOf(peer))).pinned === roots.length, 20_000, 'every root pinned after the restart')

    const status = await device.client.status(addressOf(peer))
    const indexBytes = index.blocks.length > 0 ? (status.bytes - files.reduce((sum, f) => sum + f.bytes, 0)) : 0
    assert.ok(indexBytes > 0 && indexBytes < 10_000, 'bytes are the files plus the small index block, each counted once')
    assert.equal(status.pending, 0)
    assert.equal(status.failedCount, 0)

    const held = await heldBlocks(peerStores.blockstore)
    assert.deepEqual(held.set, expected, 'exactly the blocks of the DAGs: none missing, none extra')
    assert.equal(held.count, expected.size)
    let pins = 0
    for await (const pin of peer.helia.pins.ls()) { void pin; pins++ }
    assert.equal(pins, roots.length, 'one pin per root')
    const report = await device.client.verify(addressOf(peer), 1000)
    assert.equal(report.passed, expected.size)
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
