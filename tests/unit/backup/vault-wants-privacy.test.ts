import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { CID } from 'multiformats/cid'
import { addressOf, GatedBlockstore, mh, startDevice, startNode, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestNode, type TestPeer } from './helpers.ts'

/** The parts of @helia/bitswap 4 read here: each bitswap message a node receives (network.ts 'bitswap:message'). */
interface WantlistEntry { cid: Uint8Array, cancel?: boolean }
interface BitswapNetwork { addEventListener: (type: 'bitswap:message', listener: (event: CustomEvent<{ message: { wantlist?: { entries: WantlistEntry[] } } }>) => void) => void }

/** Every block (by multihash) `node` was asked for over bitswap, by anyone. */
function recordWants (node: TestNode): Set<string> {
  const brokers = (node.helia as unknown as { blockBrokers: Array<{ name: string, bitswap?: { network: BitswapNetwork } }> }).blockBrokers
  const network = brokers.find(broker => broker.name === 'bitswap')?.bitswap?.network
  if (network === undefined) throw new Error('no bitswap on this node')
  const wanted = new Set<string>()
  network.addEventListener('bitswap:message', (event) => {
    for (const entry of event.detail.message.wantlist?.entries ?? []) {
      if (entry.cancel !== true) wanted.add(mh(CID.decode(entry.cid)))
    }
  })
  return wanted
}

function overlap (wanted: Set<string>, file: StoredFile): string[] {
  return file.blocks.map(mh).filter(block => wanted.has(block))
}

let peer: TestPeer
let deviceA: TestDevice
let deviceB: TestDevice
let stranger: TestNode
const storeA = new GatedBlockstore()

before(async () => {
  // A long stall limit: vault A's fetch waits on purpose while vault B backs up.
  peer = await startPeer({ attemptTimeoutMs: 60_000 })
  deviceA = await startDevice(undefined, storeA)
  deviceB = await startDevice()
  stranger = await startNode()
})

after(async () => {
  storeA.release()
  for (const node of [deviceA, deviceB, stranger]) await node.helia.stop()
  await stopPeer(peer)
})

test('the peer asks only a vault\'s own devices for its blocks: another vault\'s device, and a stranger, hear none of them', async () => {
  const fileA = await storeRandomFile(deviceA.blockstore, 2 * 1024 * 1024 + 100)
  const fileB = await storeRandomFile(deviceB.blockstore, 2 * 1024 * 1024 + 200)
  const wantsA = recordWants(deviceA)
  const wantsB = recordWants(deviceB)
  const wantsStranger = recordWants(stranger)
  // One leaf of A's file is held back: A's fetch stays open while B connects, pairs and backs up.
  const heldBack = fileA.blocks.find(cid => !cid.equals(fileA.root))
  assert.ok(heldBack !== undefined)
  storeA.gated.add(heldBack.toString())

  await deviceA.client.pair(addressOf(peer), await peer.service.createPairingCode())
  await deviceA.client.sendManifest(addressOf(peer), { device: deviceA.helia.libp2p.peerId.toString(), seq: 1, pin: [fileA.root.toString()], unpin: [] })
  await waitFor(async () => wantsA.has(mh(heldBack)), 20_000, 'the peer to ask vault A\'s device for the held-back block')

  // Connected while A's wants are open: Helia's bitswap would send its whole wantlist to each of them on connecting.
  await stranger.helia.libp2p.dial(addressOf(peer))
  await deviceB.client.pair(addressOf(peer), await peer.service.createPairingCode())
  await deviceB.client.sendManifest(addressOf(peer), { device: deviceB.helia.libp2p.peerId.toString(), seq: 1, pin: [fileB.root.toString()], unpin: [] })
  await waitFor(async () => (await deviceB.client.status(addressOf(peer))).pinned === 1, 20_000, 'vault B\'s backup to complete')
  assert.equal((await deviceA.client.status(addressOf(peer))).pinned, 0, 'vault A still waits for its held-back block')

  storeA.release()
  await waitFor(async () => (await deviceA.client.status(addressOf(peer))).pinned === 1, 20_000, 'vault A\'s backup to complete')
  assert.equal(await peer.helia.pins.isPinned(fileA.root), true)
  assert.equal(await peer.helia.pins.isPinned(fileB.root), true)

  // Each device was asked for its own vault's blocks (the counting works)...
  assert.ok(overlap(wantsA, fileA).length > 1)
  assert.ok(overlap(wantsB, fileB).length > 1)
  // ...and never for the other vault's; the stranger was asked for nothing.
  assert.deepEqual(overlap(wantsB, fileA), [], 'vault B\'s device heard a want for a block of vault A')
  assert.deepEqual(overlap(wantsA, fileB), [], 'vault A\'s device heard a want for a block of vault B')
  assert.equal(wantsStranger.size, 0, 'a connected stranger heard wants')
})

test('a device that reconnects mid-fetch is asked again and the backup completes', async () => {
  const file = await storeRandomFile(deviceA.blockstore, 1024 * 1024 + 300)
  const gate = new GatedBlockstore()
  // The same vault, a second device whose store gates one leaf; it leaves half way and comes back.
  const second = await startDevice(deviceA.vaultKey, gate)
  try {
    for await (const { cid, bytes } of deviceA.blockstore.getAll()) await second.blockstore.put(cid, bytes)
    const leaf = file.blocks.find(cid => !cid.equals(file.root))
    assert.ok(leaf !== undefined)
    gate.gated.add(leaf.toString())
    // Vault A's first device goes away: only the second holds the file now.
    await deviceA.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
    const wants = recordWants(second)
    await peer.helia.libp2p.dial(addressOf(second))
    await second.client.sendManifest(addressOf(peer), { device: second.helia.libp2p.peerId.toString(), seq: 1, pin: [file.root.toString()], unpin: [] })
    await waitFor(async () => wants.has(mh(leaf)), 20_000, 'the peer to ask the second device for the gated leaf')
    await second.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
    wants.clear()
    gate.release()
    // Back on a new connection, before any request of its own: the peer asks it again (it sent the vault's manifest).
    await second.helia.libp2p.dial(addressOf(peer))
    await waitFor(async () => wants.has(mh(leaf)), 20_000, 'the peer to ask the reconnected device again')
    await waitFor(async () => await peer.helia.pins.isPinned(file.root), 20_000, 'the root to be pinned')
  } finally {
    await second.helia.stop()
  }
})

test('once a block arrived, the vault\'s other devices that were asked for it are told the want is over', async () => {
  const file = await storeRandomFile(deviceB.blockstore, 512 * 1024 + 400)
  // A second device of vault B that holds none of the file: it is asked too, and cannot answer.
  const empty = await startDevice(deviceB.vaultKey)
  try {
    const wants = recordWants(empty)
    // The peer dials: its libp2p takes only 5 new inbound connections a second from one address, and this file opens several.
    await peer.helia.libp2p.dial(addressOf(empty))
    // Ask once the empty device has identified the peer on that connection.
    await waitFor(async () => (await empty.helia.libp2p.peerStore.get(peer.helia.libp2p.peerId).catch(() => undefined))?.protocols.some(p => p.startsWith('/cairn/backup')) === true, 10_000, 'the peer to be identified')
    await empty.client.status(addressOf(peer))
    await deviceB.client.sendManifest(addressOf(peer), { device: deviceB.helia.libp2p.peerId.toString(), seq: 2, pin: [file.root.toString()], unpin: [] })
    await waitFor(async () => await peer.helia.pins.isPinned(file.root), 20_000, 'the root to be pinned')
    assert.ok(wants.has(mh(file.root)), 'the empty device was asked as a device of the vault')
    // Its bitswap keeps, per remote peer, the wants still open (a want nobody cancels stays for the whole connection).
    const bitswap = (empty.helia as unknown as { blockBrokers: Array<{ name: string, bitswap?: { getPeerWantlist: (peer: unknown) => unknown[] | undefined } }> }).blockBrokers.find(broker => broker.name === 'bitswap')?.bitswap
    assert.ok(bitswap !== undefined)
    await waitFor(async () => (bitswap.getPeerWantlist(peer.helia.libp2p.peerId) ?? []).length === 0, 10_000, 'the empty device\'s ledger to hold no want of the peer')
  } finally {
    await empty.helia.stop()
  }
})
