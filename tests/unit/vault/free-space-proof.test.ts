import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { peerBlockProof } from '../../../core/node/peer-block-proof.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { addressOf, startNode, type TestNode } from '../backup/helpers.ts'
import { locationsRig, PASSPHRASE } from './locations-support.ts'
import { dagBlocks, readAll, type Cleanups } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function node (): Promise<TestNode> {
  const started = await startNode()
  cleanups.push(async () => { await started.helia.stop() })
  return started
}

describe('"Free up space" and a backup peer\'s word', () => {
  it('drops nothing on a peer that claims a file it cannot send back, and frees it once a peer sends the blocks', { timeout: 90_000 }, async () => {
    const device = await node()
    // A peer that answers `holds` with "yes" for everything but stores nothing (lost its disk, or lies).
    const liar = await node()
    const honest = await node()
    await device.helia.libp2p.dial(addressOf(liar))
    await device.helia.libp2p.dial(addressOf(honest))
    const rig = await locationsRig(cleanups, { blockstore: device.blockstore, proveHeld: peerBlockProof(device.helia) })
    await rig.vault.create(PASSPHRASE)
    const file = await rig.add('photos/only-copy.bin', 3 * 1024 * 1024 + 7)
    const blocks = await dagBlocks(rig.blockstore, file.cid)

    rig.peerHolders.set(file.cid, [liar.helia.libp2p.peerId.toString()])
    const refused = await rig.locations.freeUpSpace()
    assert.equal(refused.files, 0, 'nothing freed on a claim the peer could not back with the blocks')
    assert.equal(refused.bytes, 0)
    assert.equal(refused.unproven, 1, 'the file is counted as kept because the peer could not send it back')
    for (const cid of blocks) assert.equal(await rig.blockstore.has(cid), true, `block ${cid.toString()} is still here`)
    assert.equal((await rig.locations.locations())[file.fileId]?.local, 'all')
    assert.deepEqual(await readAll(rig.vault.files().open(file.fileId).stream), file.bytes)
    assert.ok(rig.logs.recent().some(line => /could not send/.test(line.message)), 'the log says why')

    // A peer that really holds the blocks: the same file is freed.
    for (const cid of blocks) await honest.blockstore.put(cid, await readWholeBlock(rig.blockstore, cid))
    rig.peerHolders.set(file.cid, [liar.helia.libp2p.peerId.toString(), honest.helia.libp2p.peerId.toString()])
    const freed = await rig.locations.freeUpSpace()
    assert.equal(freed.files, 1)
    assert.ok(freed.bytes > 3 * 1024 * 1024)
    assert.equal((await rig.locations.locations())[file.fileId]?.local, 'none')
  })

  it('drops nothing on another device\'s word when that device cannot send the blocks (its copy is gone or damaged)', { timeout: 90_000 }, async () => {
    const device = await node()
    // The other device answered "held whole" (its store says it has the blocks) but cannot serve them.
    const laptop = await node()
    await device.helia.libp2p.dial(addressOf(laptop))
    const laptopId = laptop.helia.libp2p.peerId.toString()
    const rig = await locationsRig(cleanups, { blockstore: device.blockstore, proveHeld: peerBlockProof(device.helia), confirmedDeviceIds: (root) => root === file.cid ? [laptopId] : [] })
    await rig.vault.create(PASSPHRASE)
    const file = await rig.add('docs/report.bin', 2 * 1024 * 1024 + 3)
    const blocks = await dagBlocks(rig.blockstore, file.cid)
    rig.deviceHolders.set(file.cid, ['Laptop'])

    const refused = await rig.locations.freeUpSpace()
    assert.equal(refused.files, 0)
    assert.equal(refused.unproven, 1)
    for (const cid of blocks) assert.equal(await rig.blockstore.has(cid), true, `block ${cid.toString()} is still here`)
    assert.deepEqual(await readAll(rig.vault.files().open(file.fileId).stream), file.bytes)

    // Once the laptop really has the blocks, its word is backed and the file is freed.
    for (const cid of blocks) await laptop.blockstore.put(cid, await readWholeBlock(rig.blockstore, cid))
    const freed = await rig.locations.freeUpSpace()
    assert.equal(freed.files, 1)
    assert.equal((await rig.locations.locations())[file.fileId]?.local, 'none')
  })

  it('frees a file read back from the peer a moment ago on the same connection (bitswap does not send a block twice unasked)', { timeout: 90_000 }, async () => {
    const device = await node()
    const peer = await node()
    await device.helia.libp2p.dial(addressOf(peer))
    const rig = await locationsRig(cleanups, { blockstore: device.blockstore, proveHeld: peerBlockProof(device.helia) })
    await rig.vault.create(PASSPHRASE)
    const file = await rig.add('music/track.bin', 2 * 1024 * 1024 + 11)
    const blocks = await dagBlocks(rig.blockstore, file.cid)
    for (const cid of blocks) await peer.blockstore.put(cid, await readWholeBlock(rig.blockstore, cid))
    // The device had dropped its copy and read it back from the peer over bitswap (an on-demand open).
    for (const cid of blocks) await rig.blockstore.delete(cid)
    for (const cid of blocks) await readWholeBlock(device.helia.blockstore, cid, { signal: AbortSignal.timeout(20_000) })
    assert.equal((await rig.locations.locations())[file.fileId]?.local, 'all')

    rig.peerHolders.set(file.cid, [peer.helia.libp2p.peerId.toString()])
    const freed = await rig.locations.freeUpSpace()
    assert.equal(freed.unproven, undefined, 'the peer that holds the file is believed')
    assert.equal(freed.files, 1)
    assert.equal((await rig.locations.locations())[file.fileId]?.local, 'none')
  })

  it('drops nothing on a peer that stores nothing and, when asked, fetches the blocks from this very device to pass them off as its own', { timeout: 90_000 }, async () => {
    const device = await node()
    const relayer = await node()
    // Its bitswap says "have" to everything and serves by fetching from whoever is connected (the device).
    const served = servingStoreOf(relayer)
    served.has = async () => true
    served.get = (cid, options) => relayer.helia.blockstore.get(cid, options)
    await device.helia.libp2p.dial(addressOf(relayer))
    const rig = await locationsRig(cleanups, { blockstore: device.blockstore, proveHeld: peerBlockProof(device.helia) })
    await rig.vault.create(PASSPHRASE)
    const file = await rig.add('photos/only-copy.bin', 2 * 1024 * 1024 + 5)
    const blocks = await dagBlocks(rig.blockstore, file.cid)

    rig.peerHolders.set(file.cid, [relayer.helia.libp2p.peerId.toString()])
    const refused = await rig.locations.freeUpSpace()
    assert.equal(refused.files, 0, 'bytes it had to fetch from this device prove nothing')
    assert.equal(refused.unproven, 1)
    for (const cid of blocks) assert.equal(await rig.blockstore.has(cid), true, `block ${cid.toString()} is still here`)
  })
})

/** The store the node's bitswap serves others from (peer-want-lists), to make a node that serves what it does not hold. */
function servingStoreOf (n: TestNode): { has: (cid: CID) => Promise<boolean>, get: (cid: CID, options?: AbortOptions) => AsyncIterable<Uint8Array> | Iterable<Uint8Array> } {
  const brokers = (n.helia as unknown as { blockBrokers: Array<{ name: string, bitswap?: { peerWantLists: { blockstore: ReturnType<typeof servingStoreOf> } } }> }).blockBrokers
  const lists = brokers.find(b => b.name === 'bitswap')?.bitswap?.peerWantLists
  if (lists === undefined) throw new Error('no bitswap serving store')
  return lists.blockstore
}
