import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { addressOf, startDevice, startNode, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestNode, type TestPeer } from './helpers.ts'
import type { CID } from 'multiformats/cid'

/** How long a refused fetch is given before it counts as "got nothing". */
const REFUSED_WAIT_MS = 2_000

let peer: TestPeer
let owner: TestDevice
let file: StoredFile
let share: StoredFile
const nodes: TestNode[] = []

before(async () => {
  peer = await startPeer()
  owner = await startDevice()
  nodes.push(owner)
  file = await storeRandomFile(owner.blockstore, 300_000)
  share = await storeRandomFile(owner.blockstore, 100_000)
  const at = addressOf(peer)
  await owner.client.pair(at, await peer.service.createPairingCode())
  const [f, s] = [file.root.toString(), share.root.toString()]
  await owner.client.sendManifest(at, { device: owner.helia.libp2p.peerId.toString(), seq: 1, pin: [f, s], unpin: [], shares: [s] })
  await waitFor(async () => (await owner.client.status(at)).pinned === 2, 15_000, 'both roots pinned')
  // The owner leaves: what is fetched below can come from the peer alone.
  await owner.helia.stop()
})

after(async () => {
  for (const node of nodes) await node.helia.stop()
  await stopPeer(peer)
})

/** Fetches a block over bitswap from whoever `node` is connected to, within `ms`. */
async function fetchBlock (node: TestNode, cid: CID, ms = 15_000): Promise<Uint8Array> {
  return await readWholeBlock(node.helia.blockstore, cid, { signal: AbortSignal.timeout(ms) })
}

test('a stranger that knows a vault\'s CIDs gets none of its blocks', async () => {
  const stranger = await startNode(new MemoryBlockstore())
  nodes.push(stranger)
  await stranger.helia.libp2p.dial(addressOf(peer))
  const leaf = file.blocks.find(cid => !cid.equals(file.root)) as CID
  for (const cid of [file.root, leaf]) {
    await assert.rejects(fetchBlock(stranger, cid, REFUSED_WAIT_MS), `${cid.toString()} is not served`)
  }
  // A stranger with a vault of its own is a stranger to this one.
  const other = await startDevice()
  nodes.push(other)
  await other.client.pair(addressOf(peer), await peer.service.createPairingCode())
  await assert.rejects(fetchBlock(other, leaf, REFUSED_WAIT_MS))
})

test('a share copy is served to anyone', async () => {
  const recipient = await startNode(new MemoryBlockstore())
  nodes.push(recipient)
  await recipient.helia.libp2p.dial(addressOf(peer))
  for (const cid of share.blocks) assert.equal((await fetchBlock(recipient, cid)).byteLength, share.sizes.get(cid.toString()))
})

test('a device that proved it belongs to the vault gets its blocks, also ones it asked for before proving', async () => {
  const device = await startDevice(owner.vaultKey, new MemoryBlockstore())
  nodes.push(device)
  await device.helia.libp2p.dial(addressOf(peer))
  const leaf = file.blocks.find(cid => !cid.equals(file.root)) as CID
  // Asked before the proof: the want waits, and is answered once the device proves itself.
  const early = fetchBlock(device, leaf)
  assert.equal(peer.service.access.vaultsOf(device.helia.libp2p.peerId.toString()).size, 0)
  await device.client.status(addressOf(peer))
  assert.equal((await early).byteLength, file.sizes.get(leaf.toString()))
  for (const cid of file.blocks) assert.equal((await fetchBlock(device, cid)).byteLength, file.sizes.get(cid.toString()))
})
