import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { signRevocationList } from '../../../core/protocols/backup/revocation.ts'
import { addressOf, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestNode, type TestPeer } from './helpers.ts'
import type { CID } from 'multiformats/cid'

/** How long a refused fetch is given before it counts as "got nothing". */
const REFUSED_WAIT_MS = 2_000

let peer: TestPeer
let owner: TestDevice
let lost: TestDevice
let file: StoredFile
const nodes: TestNode[] = []

before(async () => {
  peer = await startPeer()
  owner = await startDevice()
  nodes.push(owner)
  file = await storeRandomFile(owner.blockstore, 2_500_000)
  await owner.client.pair(addressOf(peer), await peer.service.createPairingCode())
  await owner.client.sendManifest(addressOf(peer), { device: owner.helia.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [] })
  await waitFor(async () => (await owner.client.status(addressOf(peer))).pinned === 1, 15_000, 'the file pinned')
  // The device that will be lost: same vault key, its own PeerId.
  lost = await startDevice(owner.vaultKey, new MemoryBlockstore())
  nodes.push(lost)
})

after(async () => {
  for (const node of nodes) await node.helia.stop()
  await stopPeer(peer)
})

async function fetchBlock (node: TestNode, cid: CID, ms = 15_000): Promise<Uint8Array> {
  return await readWholeBlock(node.helia.blockstore, cid, { signal: AbortSignal.timeout(ms) })
}

const leaves = (): CID[] => file.blocks.filter(cid => !cid.equals(file.root))
const code = async (work: Promise<unknown>): Promise<string | undefined> => await work.then(() => undefined, (err: { code?: string }) => err.code)

test('after revocation the removed device\'s requests and wants are refused, the others still served; an older list is ignored', async () => {
  const at = addressOf(peer)
  // Before: the lost device is a member like any other, and proves itself (it stays connected).
  await lost.client.status(at)
  const [first, second, third] = leaves()
  assert.ok(first !== undefined && second !== undefined && third !== undefined)
  assert.equal((await fetchBlock(lost, first)).byteLength, file.sizes.get(first.toString()))

  const lostId = lost.helia.libp2p.peerId.toString()
  assert.deepEqual(await owner.client.revoke(at, signRevocationList(owner.signer, [lostId], 2)), { seq: 2, applied: true })

  // Every signed request from its PeerId is refused, pairing again included; no block is sent to it any more.
  assert.equal(await code(lost.client.status(at)), 'DEVICE_REVOKED')
  assert.equal(await code(lost.client.sendManifest(at, { device: lostId, seq: 1, pin: [], unpin: [file.root.toString()] })), 'DEVICE_REVOKED')
  assert.equal(await code(lost.client.pair(at, await peer.service.createPairingCode())), 'DEVICE_REVOKED')
  await assert.rejects(fetchBlock(lost, second, REFUSED_WAIT_MS))
  assert.ok(peer.log.has('info', /revocation list 2 of vault .*1 device\(s\) revoked/))

  // The owner and another device of the vault are still served.
  assert.equal((await owner.client.status(at)).pinned, 1)
  const other = await startDevice(owner.vaultKey, new MemoryBlockstore())
  nodes.push(other)
  await other.client.status(at)
  assert.equal((await fetchBlock(other, second)).byteLength, file.sizes.get(second.toString()))

  // A replayed older list (seq 1, naming no one) is ignored; a newer list that leaves the device out un-revokes no one.
  assert.deepEqual(await owner.client.revoke(at, signRevocationList(owner.signer, [], 1)), { seq: 2, applied: false })
  assert.deepEqual(await owner.client.revoke(at, signRevocationList(owner.signer, [], 3)), { seq: 3, applied: true })
  assert.equal(await code(lost.client.status(at)), 'DEVICE_REVOKED')
  await assert.rejects(fetchBlock(lost, third, REFUSED_WAIT_MS))
})

test('the revocation survives a restart of the peer', async () => {
  const stores = { blockstore: peer.blockstore, datastore: peer.datastore }
  const listen = addressOf(peer).decapsulate('/p2p').toString()
  await stopPeer(peer)
  peer = await startPeer({}, stores, listen)
  assert.equal(await code(lost.client.status(addressOf(peer))), 'DEVICE_REVOKED')
  assert.equal((await owner.client.status(addressOf(peer))).pinned, 1)
})

test('a list signed by another vault, or malformed, is refused', async () => {
  const at = addressOf(peer)
  const stranger = await startDevice()
  nodes.push(stranger)
  const foreign = signRevocationList(stranger.signer, [owner.helia.libp2p.peerId.toString()], 9)
  assert.equal(await code(owner.client.revoke(at, foreign)), 'FORMAT_INVALID')
  const forged = { ...signRevocationList(owner.signer, [], 9), revoked: [owner.helia.libp2p.peerId.toString()] }
  assert.equal(await code(owner.client.revoke(at, forged)), 'BAD_SIGNATURE')
  const unsorted = { ...signRevocationList(owner.signer, ['b', 'a'], 9), revoked: ['b', 'a'] }
  assert.equal(await code(owner.client.revoke(at, unsorted)), 'FORMAT_INVALID')
  assert.equal((await owner.client.status(at)).pinned, 1)
})
