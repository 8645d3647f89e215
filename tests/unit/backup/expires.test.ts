import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { loadPeerState } from '../../../core/protocols/backup/peer-store.ts'
import { addressOf, heldBlocks, mh, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestPeer } from './helpers.ts'

test('a pin with an expiry is freed then by the peer alone, also after a restart; pinning again without one clears it', async () => {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  // Expiries run on a clock the test moves: no waiting for them.
  const t0 = Date.now()
  let clock = t0
  const now = (): number => clock
  let peer = await startPeer({ now }, stores)
  const device = await startDevice()
  try {
    const [soon, later, cleared] = [await storeRandomFile(device.blockstore, 200_000), await storeRandomFile(device.blockstore, 200_000), await storeRandomFile(device.blockstore, 200_000)]
    const [s, l, c] = [soon, later, cleared].map(f => f.root.toString()) as [string, string, string]
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [s, l, c], unpin: [], expires: { [s]: t0 + 2_500, [l]: t0 + 600_000, [c]: t0 + 2_500 } })
    await waitFor(async () => (await device.client.status(at)).pinned === 3, 15_000, 'all three pinned')
    // `c` pinned again without an expiry keeps it; `l` pinned again with a sooner one gets that one.
    await device.client.sendManifest(at, { device: id, seq: 2, pin: [c, l], unpin: [], expires: { [l]: t0 + 6_000 } })
    const stored = new Map((await loadPeerState(stores.datastore)).items.map(item => [item.cid, item]))
    assert.equal(stored.get(s)?.expiresAt, t0 + 2_500)
    assert.equal(stored.get(l)?.expiresAt, t0 + 6_000)
    assert.equal(stored.get(c)?.expiresAt, undefined)
    await device.helia.stop()

    // No device speaks again: the peer frees `s` at its time, not before.
    clock = t0 + 2_499
    peer.service.tick()
    assert.ok(freed(peer, 3), 'not freed early')
    clock = t0 + 2_500
    peer.service.tick()
    await waitFor(() => freed(peer, 2), 10_000, 'the expired root to be freed')
    assert.ok(peer.log.has('info', /freed .* at its expiry/))
    assertGone(await heldBlocks(stores.blockstore), soon)

    // The expiry of `l` was persisted: a restarted peer frees it on time.
    await stopPeer(peer)
    peer = await startPeer({ now }, stores)
    assert.equal(peer.service.status()[0]?.pinned, 2)
    clock = t0 + 6_000
    peer.service.tick()
    await waitFor(() => freed(peer, 1), 10_000, 'the second expiry after the restart')
    const held = await heldBlocks(stores.blockstore)
    assertGone(held, later)
    assert.ok(cleared.blocks.every(cid => held.set.has(mh(cid))), 'the root whose expiry was cleared is kept')
    const status = peer.service.status()[0]
    assert.deepEqual([status?.bytes, status?.unpinning], [cleared.bytes, 0])
  } finally {
    await stopPeer(peer)
  }
})

/** `pinned` roots left and none waiting to be freed. */
function freed (peer: TestPeer, pinned: number): boolean {
  const status = peer.service.status()[0]
  return status?.pinned === pinned && status.unpinning === 0
}

function assertGone (held: { set: Set<string> }, file: StoredFile): void {
  assert.ok(file.blocks.every(cid => !held.set.has(mh(cid))), 'every block of the expired root is deleted')
}
