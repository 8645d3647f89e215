import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'
import { BlockServer, type ServedStore } from '../../../core/protocols/blocks/block-server.ts'
import { startDevice, startPeer, stopPeer, storeRandomFile, type TestDevice, type TestPeer } from '../backup/helpers.ts'
import { backUp, lyingStore, sameBlocks, serveTo } from './helpers.ts'
import type { HashPieces } from '../../../core/protocols/blocks/fetched-block.ts'
import { sha256Pieces } from '../../../relay-server/shared/sha256-pieces.ts'
import type { CID } from 'multiformats/cid'

const running: Array<{ stop: () => Promise<unknown> }> = []
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
})

async function pair (hashPieces: HashPieces | undefined = sha256Pieces): Promise<{ peer: TestPeer, device: TestDevice }> {
  const peer = await startPeer({}, undefined, undefined, hashPieces)
  running.push({ stop: async () => { await stopPeer(peer) } })
  const device = await startDevice()
  running.push({ stop: async () => { await device.helia.stop() } })
  return { peer, device }
}

test('a backup over the block exchange stores every block byte for byte, none over bitswap', async () => {
  const { peer, device } = await pair()
  const server = await serveTo(device, peer)
  running.push(server)
  const file = await storeRandomFile(device.blockstore, 5 * 1024 * 1024 + 777)
  await backUp(device, peer, file)

  assert.ok(await sameBlocks(device, peer, file))
  const stats = peer.service.blockStats
  assert.equal(stats.viaExchange, file.blocks.length)
  assert.equal(stats.viaFallback, 0)
  assert.equal(stats.mismatches, 0)
  assert.equal(stats.streams, 1)
  assert.equal(server.stats.blocks, file.blocks.length)
  assert.equal(server.stats.refused, 0)
})

test('the Node peer hashes and stores blocks in the pieces they arrived in; without a piece hasher (as in a browser) they are joined; the same bytes either way', async () => {
  const hashed: number[] = []
  const counting: HashPieces = (pieces) => { hashed.push(pieces.length); return sha256Pieces(pieces) }
  for (const hashPieces of [counting, undefined]) {
    const { peer, device } = await pair(hashPieces)
    const server = await serveTo(device, peer)
    running.push(server)
    const file = await storeRandomFile(device.blockstore, 3 * 1024 * 1024 + 12_345)
    await backUp(device, peer, file)

    assert.ok(await sameBlocks(device, peer, file))
    assert.equal(peer.service.blockStats.viaExchange, file.blocks.length)
    assert.equal(peer.service.blockStats.mismatches, 0)
  }
  // 1 MiB leaves cross many yamux frames: those came as pieces and were never joined.
  assert.ok(hashed.some((count) => count > 1), `some blocks arrived in pieces (${hashed.join(', ')})`)
})

test('a device without the protocol still backs up, over bitswap', async () => {
  const { peer, device } = await pair()
  const file = await storeRandomFile(device.blockstore, 2 * 1024 * 1024 + 5)
  await backUp(device, peer, file)

  assert.ok(await sameBlocks(device, peer, file))
  const stats = peer.service.blockStats
  assert.equal(stats.viaExchange, 0)
  assert.equal(stats.viaFallback, file.blocks.length)
  assert.equal(stats.streams, 0)
})

for (const [how, hashPieces] of [['in pieces', sha256Pieces], ['joined', undefined]] as const) {
  test(`a device that sends a wrong block is caught (hashed ${how}) and the block still arrives right, over bitswap`, async () => {
    const { peer, device } = await pair(hashPieces)
    const file = await storeRandomFile(device.blockstore, 4 * 1024 * 1024 + 99)
    // The exchange hands out one leaf with a flipped byte; bitswap reads the store as it is.
    const victim = file.blocks.find((cid) => cid.code === 0x55 && (file.sizes.get(cid.toString()) ?? 0) > 1024) as CID
    const store = device.blockstore as unknown as ServedStore
    const lying = lyingStore(store, victim)
    const server = await serveTo(device, peer, lying)
    running.push(server)
    await backUp(device, peer, file)

    assert.ok(await sameBlocks(device, peer, file))
    const stats = peer.service.blockStats
    assert.equal(stats.mismatches, 1)
    assert.ok(stats.viaFallback >= 1, 'the wrong block and what the stream still owed came over bitswap')
    assert.equal(stats.viaExchange + stats.viaFallback, file.blocks.length)
  })
}

test('a device refuses every block to a peer that is not ours, which then backs up over bitswap', async () => {
  const { peer, device } = await pair()
  const server = new BlockServer({ libp2p: device.helia.libp2p, store: device.blockstore as unknown as ServedStore, mayServe: () => false })
  await server.start()
  running.push(server)
  const file = await storeRandomFile(device.blockstore, 1024 * 1024 + 3)
  await backUp(device, peer, file)

  assert.ok(await sameBlocks(device, peer, file))
  assert.equal(server.stats.blocks, 0)
  assert.ok(server.stats.refused >= 1)
  assert.equal(peer.service.blockStats.viaExchange, 0)
  assert.equal(peer.service.blockStats.viaFallback, file.blocks.length)
})
