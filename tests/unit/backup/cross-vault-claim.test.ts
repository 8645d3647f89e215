import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { addressOf, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestNode, type TestPeer } from './helpers.ts'

// A backup peer serving several vaults: a vault's blocks go only to that vault's devices, even to
// another vault that names the victim's CIDs in its manifest (a device removed with "remove and
// rotate" still knows its old index's CIDs and file keys, and may pair a vault of its own).
let peer: TestPeer
let victim: TestDevice
let file: StoredFile
const nodes: TestNode[] = []

before(async () => {
  peer = await startPeer({ attemptTimeoutMs: 3_000, maxAttempts: 1 })
  victim = await startDevice()
  nodes.push(victim)
  file = await storeRandomFile(victim.blockstore, 300_000)
  const at = addressOf(peer)
  await victim.client.pair(at, await peer.service.createPairingCode())
  await victim.client.sendManifest(at, { device: victim.helia.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [] })
  await waitFor(async () => (await victim.client.status(at)).pinned === 1, 15_000, 'the victim root pinned')
  await victim.helia.stop()
})

after(async () => {
  for (const node of nodes) await node.helia.stop()
  await stopPeer(peer)
})

async function fetchBlock (node: TestNode, cid: CID, ms: number): Promise<Uint8Array> {
  return await readWholeBlock(node.helia.blockstore, cid, { signal: AbortSignal.timeout(ms) })
}

async function pairedAttacker (blockstore = new MemoryBlockstore()): Promise<TestDevice> {
  const attacker = await startDevice(undefined, blockstore)
  nodes.push(attacker)
  await attacker.client.pair(addressOf(peer), await peer.service.createPairingCode())
  return attacker
}

const leafOf = (stored: StoredFile): CID => stored.blocks.find(cid => !cid.equals(stored.root)) as CID

test('another vault that pins a victim\'s root it never had is not served the victim\'s blocks, and holds nothing', async () => {
  const attacker = await pairedAttacker()
  const at = addressOf(peer)
  await attacker.client.sendManifest(at, { device: attacker.helia.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [] })
  // Not while its claim is pending…
  await assert.rejects(fetchBlock(attacker, leafOf(file), 2_000), 'served while the claim was pending')
  // …nor once the peer has tried to fetch it from the attacker's own devices (which do not have it).
  await waitFor(async () => (await attacker.client.status(at)).failedCount === 1, 20_000, 'the claim given up')
  const status = await attacker.client.status(at)
  assert.equal(status.pinned, 0, 'the attacker vault holds a root it never uploaded')
  await assert.rejects(fetchBlock(attacker, leafOf(file), 3_000), 'the victim\'s block was served to another vault')
})

test('a root of its own that links to another vault\'s blocks gets a vault none of them', async () => {
  const store = new MemoryBlockstore()
  // The attacker's own directory node, naming the victim's leaves: it holds this block and none of theirs.
  const links = file.blocks.filter(cid => !cid.equals(file.root)).map(cid => ({ Hash: cid, Name: '', Tsize: 1 }))
  const bytes = dagPb.encode(dagPb.prepare({ Data: new Uint8Array([8, 1]), Links: links }))
  const root = CID.createV1(dagPb.code, await sha256.digest(bytes))
  await store.put(root, bytes)
  const attacker = await pairedAttacker(store)
  const at = addressOf(peer)
  await attacker.client.sendManifest(at, { device: attacker.helia.libp2p.peerId.toString(), seq: 1, pin: [root.toString()], unpin: [] })
  await waitFor(async () => { const s = await attacker.client.status(at); return s.failedCount + s.pinned === 1 }, 20_000, 'the attacker root settled')
  assert.equal((await attacker.client.status(at)).pinned, 0, 'pinned with blocks only another vault sent')
  await assert.rejects(fetchBlock(attacker, leafOf(file), 3_000), 'the victim\'s block was served through the attacker\'s own root')
})
