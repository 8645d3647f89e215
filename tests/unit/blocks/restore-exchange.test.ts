import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { fetchAndPin } from '../../../core/protocols/backup/dag-fetch.ts'
import { signRevocationList } from '../../../core/protocols/backup/revocation.ts'
import { BlockServer, type ServedStore } from '../../../core/protocols/blocks/block-server.ts'
import { BLOCKS_PROTOCOL } from '../../../core/protocols/blocks/block-wire.ts'
import { ExchangeReads } from '../../../core/protocols/blocks/exchange-reads.ts'
import { fetchDag } from '../../../core/vault/kept-fetcher.ts'
import { addressOf, startDevice, startNode, startPeer, stopPeer, storeRandomFile, type StoredFile, type TestDevice, type TestPeer } from '../backup/helpers.ts'
import { askRaw, backUp, lyingStore, sameBlocksIn } from './helpers.ts'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

const running: Array<{ stop: () => Promise<unknown> | unknown }> = []
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
})

/** A backup peer holding one file of a vault, backed up from its first device (over bitswap: the device does not serve the exchange). */
async function backedUp (size: number): Promise<{ peer: TestPeer, owner: TestDevice, file: StoredFile }> {
  const peer = await startPeer()
  running.push({ stop: async () => { await stopPeer(peer) } })
  const owner = await startDevice()
  running.push({ stop: async () => { await owner.helia.stop() } })
  const file = await storeRandomFile(owner.blockstore, size)
  await backUp(owner, peer, file)
  return { peer, owner, file }
}

/** A new, empty device of the vault (a restore or a join) that proved itself to the peer, reading over the exchange from `sources`. */
async function restoring (owner: TestDevice, peer: TestPeer, sources: () => PeerId[] = () => [peer.helia.libp2p.peerId]): Promise<{ device: TestDevice, reads: ExchangeReads }> {
  const device = await startDevice(owner.vaultKey, new MemoryBlockstore())
  running.push({ stop: async () => { await device.helia.stop() } })
  await device.client.status(addressOf(peer))
  const reads = new ExchangeReads({ libp2p: device.helia.libp2p, local: device.blockstore, network: device.helia.blockstore, sources })
  running.push({ stop: () => { reads.stop() } })
  return { device, reads }
}

test('a restore from the backup peer comes over the block exchange, byte for byte, none over bitswap', async () => {
  const { peer, owner, file } = await backedUp(5 * 1024 * 1024 + 777)
  // The owner leaves: the peer is the only place the blocks are.
  await owner.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
  const { device, reads } = await restoring(owner, peer)
  await fetchAndPin(device.helia, file.root, { signal: AbortSignal.timeout(30_000), blockConcurrency: 16, stallMs: 30_000, fetchBlock: async (cid, signal) => await reads.fetchBlock(cid, signal) })

  assert.ok(await sameBlocksIn(owner.blockstore, device.blockstore, file))
  assert.deepEqual(reads.stats, { viaExchange: file.blocks.length, viaFallback: 0, mismatches: 0, streams: 1 })
  assert.equal(peer.service.servedStats.blocks, file.blocks.length)
  assert.equal(peer.service.servedStats.refused, 0)
})

test('kept files read through the exchange store arrive over the exchange, and each fetched block is reported', async () => {
  const { peer, owner, file } = await backedUp(3 * 1024 * 1024 + 5)
  const { device, reads } = await restoring(owner, peer)
  const fetched: string[] = []
  const store = new Proxy(reads.store, {
    get (target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver) as unknown
      return (cid: CID, options: object = {}) => target.get(cid, { ...options, onProgress: (event: { type: string }) => { if (event.type === 'blocks:get:blockstore:put') fetched.push(cid.toString()) } } as Parameters<typeof target.get>[1])
    }
  })
  await fetchDag(store, file.root, AbortSignal.timeout(30_000))

  assert.ok(await sameBlocksIn(owner.blockstore, device.blockstore, file))
  assert.equal(reads.stats.viaExchange, file.blocks.length)
  assert.equal(reads.stats.viaFallback, 0)
  assert.equal(fetched.length, file.blocks.length)
  // Read again: every block is here now, nothing more is fetched.
  await fetchDag(store, file.root, AbortSignal.timeout(30_000))
  assert.equal(reads.stats.viaExchange, file.blocks.length)
})

test('the peer refuses every CID to a stranger and to a removed device, tells another vault\'s device only "don\'t have", and still serves the vault\'s other devices', async () => {
  const { peer, owner, file } = await backedUp(2 * 1024 * 1024 + 3)
  // A stranger, then the same node once paired with a vault of its own: nothing of this vault.
  const stranger = await startDevice()
  running.push({ stop: async () => { await stranger.helia.stop() } })
  assert.deepEqual(new Set(await askRaw(stranger, peer, file.blocks)), new Set(['refused']))
  await stranger.client.pair(addressOf(peer), await peer.service.createPairingCode())
  // Paired, its answers say no more than bitswap's: "don't have", the same for this vault's blocks as for a block no vault holds.
  const nowhere = await storeRandomFile(new MemoryBlockstore(), 1000)
  assert.deepEqual(await askRaw(stranger, peer, [...file.blocks, nowhere.root]), [...file.blocks, nowhere.root].map(() => 'dont-have'))

  const lost = await startDevice(owner.vaultKey, new MemoryBlockstore())
  running.push({ stop: async () => { await lost.helia.stop() } })
  await lost.client.status(addressOf(peer))
  assert.deepEqual(new Set(await askRaw(lost, peer, file.blocks.slice(0, 2))), new Set(['block']))
  await owner.client.revoke(addressOf(peer), signRevocationList(owner.signer, [lost.helia.libp2p.peerId.toString()], 2))
  assert.deepEqual(new Set(await askRaw(lost, peer, file.blocks)), new Set(['refused']))

  // Not proved yet (no signed request on this connection): refused too; after its first request, served.
  const other = await startDevice(owner.vaultKey, new MemoryBlockstore())
  running.push({ stop: async () => { await other.helia.stop() } })
  await other.helia.libp2p.dial(addressOf(peer))
  assert.deepEqual(new Set(await askRaw(other, peer, file.blocks)), new Set(['refused']))
  await other.client.status(addressOf(peer))
  assert.deepEqual(new Set(await askRaw(other, peer, file.blocks)), new Set(['block']))
  // A block no root of its vault holds: "don't have", as bitswap answers.
  const elsewhere = await storeRandomFile(new MemoryBlockstore(), 1000)
  assert.deepEqual(await askRaw(other, peer, [elsewhere.root]), ['dont-have'])
  assert.equal(peer.service.servedStats.blocks, 2 + file.blocks.length)
})

test('a peer that sends a wrong block is caught; the restore completes right from the other peer', async () => {
  const { peer, owner, file } = await backedUp(4 * 1024 * 1024 + 99)
  // A second "backup peer" holding the same blocks, which flips a byte of one leaf when it serves it.
  const liar = await startNode()
  running.push({ stop: async () => { await liar.helia.stop() } })
  for (const cid of file.blocks) for await (const piece of owner.blockstore.get(cid)) await liar.blockstore.put(cid, piece)
  const victim = file.blocks.find((cid) => cid.code === 0x55 && (file.sizes.get(cid.toString()) ?? 0) > 1024) as CID
  const honest = liar.blockstore as unknown as ServedStore
  const lying = lyingStore(honest, victim)
  const server = new BlockServer({ libp2p: liar.helia.libp2p, store: lying, mayServe: () => true })
  await server.start()
  running.push(server)
  await owner.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
  const { device, reads } = await restoring(owner, peer, () => [liar.helia.libp2p.peerId, peer.helia.libp2p.peerId])
  await device.helia.libp2p.dial(addressOf(liar))
  await fetchAndPin(device.helia, file.root, { signal: AbortSignal.timeout(30_000), blockConcurrency: 16, stallMs: 30_000, fetchBlock: async (cid, signal) => await reads.fetchBlock(cid, signal) })

  assert.ok(await sameBlocksIn(owner.blockstore, device.blockstore, file))
  assert.equal(reads.stats.mismatches, 1)
  assert.equal(reads.stats.viaExchange + reads.stats.viaFallback, file.blocks.length)
  assert.ok(reads.stats.viaFallback >= 1, 'the wrong block came again over bitswap')
})

test('a peer without the exchange still restores the device, over bitswap', async () => {
  const { peer, owner, file } = await backedUp(2 * 1024 * 1024 + 5)
  await peer.helia.libp2p.unhandle(BLOCKS_PROTOCOL)
  await owner.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
  const { device, reads } = await restoring(owner, peer)
  await fetchAndPin(device.helia, file.root, { signal: AbortSignal.timeout(30_000), blockConcurrency: 16, stallMs: 30_000, fetchBlock: async (cid, signal) => await reads.fetchBlock(cid, signal) })

  assert.ok(await sameBlocksIn(owner.blockstore, device.blockstore, file))
  assert.deepEqual(reads.stats, { viaExchange: 0, viaFallback: file.blocks.length, mismatches: 0, streams: 0 })
})
