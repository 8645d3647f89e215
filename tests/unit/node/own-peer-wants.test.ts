import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { allowWantsFrom, OwnPeerWants } from '../../../core/node/own-peer-wants.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { makeBlock } from '../../contract/block-fixtures.ts'
import { addressOf, GatedBlockstore, mh, startNode, waitFor, type TestNode } from '../backup/helpers.ts'
import type { PeerId } from '@libp2p/interface'

/** The parts of @helia/bitswap 4 read here: each bitswap message a node receives (network.ts 'bitswap:message'), its per-peer sent wants (want-list.ts). */
interface WantlistEntry { cid: Uint8Array, cancel?: boolean }
interface BitswapMessageEvent { peer: PeerId, message: { wantlist?: { entries: WantlistEntry[] } } }
interface BitswapParts {
  network: { addEventListener: (type: 'bitswap:message', listener: (event: CustomEvent<BitswapMessageEvent>) => void) => void }
  wantList: { peers: { has: (peer: PeerId) => boolean } }
}

function bitswapOf (node: TestNode): BitswapParts {
  const brokers = (node.helia as unknown as { blockBrokers: Array<{ name: string, bitswap?: BitswapParts }> }).blockBrokers
  const bitswap = brokers.find(broker => broker.name === 'bitswap')?.bitswap
  if (bitswap === undefined) throw new Error('no bitswap on this node')
  return bitswap
}

/** Every wantlist entry (want or cancel, by multihash) `node` received from `from`. */
function recordWantsFrom (node: TestNode, from: TestNode): string[] {
  const wanted: string[] = []
  const sender = from.helia.libp2p.peerId
  bitswapOf(node).network.addEventListener('bitswap:message', (event) => {
    if (!event.detail.peer.equals(sender)) return
    for (const entry of event.detail.message.wantlist?.entries ?? []) wanted.push(mh(CID.decode(entry.cid)))
  })
  return wanted
}

let device: TestNode
/** The device's own peer (a backup peer or another device of the vault): it holds what the device fetches. */
let own: TestNode
const ownStore = new GatedBlockstore()
let stranger: TestNode
let lateStranger: TestNode
const ours = new Set<string>()

before(async () => {
  device = await startNode()
  own = await startNode(ownStore)
  stranger = await startNode()
  lateStranger = await startNode()
  ours.add(own.helia.libp2p.peerId.toString())
  OwnPeerWants.install(device.helia, (peer) => ours.has(peer))
})

after(async () => {
  ownStore.release()
  for (const node of [device, own, stranger, lateStranger]) await node.helia.stop()
})

describe('core/node: a device\'s bitswap wants go only to its own peers', () => {
  it('a connected stranger, and one that connects while the want is open, hear none; the own peer serves the block; the stranger can still fetch from the device', async () => {
    const wanted = await makeBlock(300_000, 21)
    await own.blockstore.put(wanted.cid, wanted.bytes)
    // Held back at the own peer: the device's want stays open while a second stranger connects.
    ownStore.gated.add(wanted.cid.toString())
    const shared = await makeBlock(200_000, 22)
    await device.blockstore.put(shared.cid, shared.bytes)
    const heardByOwn = recordWantsFrom(own, device)
    const heardByStranger = recordWantsFrom(stranger, device)
    const heardByLate = recordWantsFrom(lateStranger, device)

    await device.helia.libp2p.dial(addressOf(own))
    await stranger.helia.libp2p.dial(addressOf(device))
    await waitFor(() => bitswapOf(device).wantList.peers.has(stranger.helia.libp2p.peerId), 10_000, 'the device\'s bitswap to know the stranger')
    const fetched = readWholeBlock(device.helia.blockstore, wanted.cid, { signal: AbortSignal.timeout(20_000) })
    await waitFor(() => heardByOwn.includes(mh(wanted.cid)), 10_000, 'the own peer to be asked for the block')

    // Helia's bitswap would send it its whole open wantlist on connecting.
    await device.helia.libp2p.dial(addressOf(lateStranger))
    await waitFor(() => bitswapOf(device).wantList.peers.has(lateStranger.helia.libp2p.peerId), 10_000, 'the device\'s bitswap to know the late stranger')

    ownStore.release()
    assert.deepEqual(await fetched, wanted.bytes)

    // A share recipient fetching from the device is still served (blocks go to anyone who asks).
    const got = await readWholeBlock(stranger.helia.blockstore, shared.cid, { signal: AbortSignal.timeout(20_000) })
    assert.deepEqual(got, shared.bytes)
    const gotLate = await readWholeBlock(lateStranger.helia.blockstore, shared.cid, { signal: AbortSignal.timeout(20_000) })
    assert.deepEqual(gotLate, shared.bytes)

    assert.deepEqual(heardByStranger, [], 'a connected stranger heard the device\'s wants')
    assert.deepEqual(heardByLate, [], 'a stranger that connected mid-fetch heard the device\'s wants')
  })

  it('a connected peer that becomes ours (a device that joins, a restore\'s peer) is sent the wants still open, and the fetch completes', async () => {
    const wanted = await makeBlock(100_000, 23)
    await stranger.blockstore.put(wanted.cid, wanted.bytes)
    const heard = recordWantsFrom(stranger, device)
    const heardByOwn = recordWantsFrom(own, device)
    const fetched = readWholeBlock(device.helia.blockstore, wanted.cid, { signal: AbortSignal.timeout(20_000) })
    // The own peer lacks it and answers nothing; the stranger holds it but is not asked.
    await waitFor(() => heardByOwn.includes(mh(wanted.cid)), 10_000, 'the own peer to be asked')
    assert.equal(heard.length, 0, 'the stranger was asked before it was ours')
    const release = allowWantsFrom(device.helia, stranger.helia.libp2p.peerId.toString())
    try {
      assert.deepEqual(await fetched, wanted.bytes)
      assert.ok(heard.includes(mh(wanted.cid)), 'the peer was asked once it was ours')
    } finally {
      release()
    }
  })

  it('is installed once per node, and refuses a node whose bitswap has no such seam', () => {
    assert.equal(OwnPeerWants.install(device.helia, () => true), OwnPeerWants.of(device.helia))
    assert.throws(() => OwnPeerWants.install({ blockBrokers: [] }, () => true), /no message send/)
    // A node without the filter (the share worker's): nothing to allow.
    assert.doesNotThrow(() => { allowWantsFrom({}, 'anyone')() })
  })
})
