import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { addressOf, GatedBlockstore, heldBlocks, mh, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'

const MiB = 1024 * 1024

test('bytes being fetched count toward the quota: a manifest that would pass it is refused in words while they are in flight', async () => {
  // One block at a time: the first MiB arrives while the next waits.
  const peer = await startPeer({ quotaBytes: 2 * MiB, attemptTimeoutMs: 60_000, blockConcurrency: 1 })
  const store = new GatedBlockstore()
  const device = await startDevice(undefined, store)
  try {
    const big = await storeRandomFile(store, 3 * MiB)
    const small = await storeRandomFile(store, 1.5 * MiB)
    const leaves = big.blocks.filter(cid => cid.code === 0x55)
    // The header's leaf and the first MiB come; the rest waits.
    for (const cid of leaves.slice(2)) store.gated.add(cid.toString())
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    // No size declared: the peer learns it only as the blocks arrive.
    await device.client.sendManifest(at, { device: id, seq: 1, pin: [big.root.toString()], unpin: [] })
    const first = leaves[1]
    assert.ok(first !== undefined)
    await waitFor(async () => (await heldBlocks(peer.blockstore)).set.has(mh(first)), 15_000, 'the first MiB to arrive')
    await waitFor(async () => ((await device.client.status(at)).inFlightBytes ?? 0) >= MiB, 15_000, 'the peer to count it')

    await assert.rejects(
      device.client.sendManifest(at, { device: id, seq: 2, pin: [small.root.toString()], unpin: [], sizes: { [small.root.toString()]: small.bytes } }),
      (err: unknown) => isCairnError(err, 'QUOTA_EXCEEDED') && /being fetched/.test((err as Error).message))
  } finally {
    store.release()
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('roots of one vault fetched at once cannot together pass the quota', async () => {
  const quota = 2 * MiB
  const peer = await startPeer({ quotaBytes: quota, attemptTimeoutMs: 60_000 })
  const store = new GatedBlockstore()
  const device = await startDevice(undefined, store)
  try {
    const files = [await storeRandomFile(store, 1.5 * MiB), await storeRandomFile(store, 1.5 * MiB)]
    // Each file's last leaf waits: both fetches are under way at the same time.
    for (const file of files) store.gated.add((file.blocks.filter(cid => cid.code === 0x55).at(-1) ?? file.root).toString())
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: files.map(f => f.root.toString()), unpin: [] })
    await waitFor(async () => peer.service.fetching === 2 || (await device.client.status(at)).failedCount > 0, 15_000, 'both fetches to start')
    store.release()
    await waitFor(async () => (await device.client.status(at)).pending === 0, 15_000, 'both fetches to end')
    const status = await device.client.status(at)
    assert.ok(status.bytes <= quota, `${status.bytes} bytes held against a quota of ${quota}`)
    assert.equal(status.failedCount, 1)
    assert.match(status.failed[0]?.reason ?? '', /QUOTA_EXCEEDED/)
  } finally {
    store.release()
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('a vault\'s number of roots is capped: past the cap a manifest is refused in words', async () => {
  const peer = await startPeer({ maxRoots: 3 })
  const device = await startDevice()
  try {
    const roots = await Promise.all([1, 2, 3, 4].map(async () => (await storeRandomFile(device.blockstore, 2_000)).root.toString()))
    const id = device.helia.libp2p.peerId.toString()
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: id, seq: 1, pin: roots.slice(0, 3), unpin: [] })
    const tooMany = (err: unknown): boolean => isCairnError(err, 'TOO_MANY_ROOTS') && /at most 3 roots/.test((err as Error).message)
    await assert.rejects(device.client.sendManifest(at, { device: id, seq: 2, pin: roots.slice(3), unpin: [] }), tooMany)
    // An unpinned root still counts until it is freed; pinning again what is there is fine.
    await device.client.sendManifest(at, { device: id, seq: 2, pin: roots.slice(0, 2), unpin: roots.slice(2, 3) })
    await assert.rejects(device.client.sendManifest(at, { device: id, seq: 3, pin: roots.slice(3), unpin: [] }), tooMany)
    assert.ok(peer.log.has('warn', /TOO_MANY_ROOTS/))
  } finally {
    await device.helia.stop()
    await stopPeer(peer)
  }
})
