import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { BlockServer } from '../../../core/protocols/blocks/block-server.ts'
import { ExchangeReads } from '../../../core/protocols/blocks/exchange-reads.ts'
import { collectAll, makeBlock } from '../../contract/block-fixtures.ts'
import { addressOf, startNode, type TestNode } from './helpers.ts'

const nodes: TestNode[] = []
after(async () => { for (const node of nodes) await node.helia.stop() })

// Blocks are served without the pack store's re-hash (core/node/bitswap-serving.ts): the
// damaged bytes go out and the receiver, which hashes every block, refuses them.
test('a damaged block served over bitswap is refused by the receiver; the others asked with it still arrive', async () => {
  const files = new MemoryPackFiles()
  const store = new PackBlockstore({ files })
  await store.start()
  const damaged = await makeBlock(50_000, 1)
  const good = await makeBlock(60_000, 2)
  await collectAll(store.putMany([damaged, good]))
  files.flipByte('00000001.pack', 8 + 1000)

  const server = await startNode(store)
  const client = await startNode()
  nodes.push(client, server)
  await client.helia.libp2p.dial(addressOf(server))

  const signal = AbortSignal.timeout(5000)
  const [badOutcome, goodBytes] = await Promise.all([
    readWholeBlock(client.helia.blockstore, damaged.cid, { signal }).then(() => 'sent', () => 'not sent'),
    readWholeBlock(client.helia.blockstore, good.cid, { signal })
  ])
  assert.equal(badOutcome, 'not sent', 'damaged bytes are never taken for the block')
  assert.equal(await client.helia.blockstore.has(damaged.cid), false)
  assert.deepEqual(new Uint8Array(goodBytes), good.bytes)
  await store.stop()
})

// The batched block exchange serves the same way (unchecked; block-server.ts): the reader hashes it and never keeps it.
test('a damaged block served over the block exchange is caught by the reader and never kept; the others asked with it still arrive', async () => {
  const files = new MemoryPackFiles()
  const store = new PackBlockstore({ files })
  await store.start()
  const damaged = await makeBlock(50_000, 3)
  const good = await makeBlock(60_000, 4)
  await collectAll(store.putMany([damaged, good]))
  files.flipByte('00000001.pack', 8 + 1000)

  const server = await startNode(store)
  const client = await startNode()
  nodes.push(client, server)
  const blocks = new BlockServer({ libp2p: server.helia.libp2p, store, mayServe: () => true })
  await blocks.start()
  await client.helia.libp2p.dial(addressOf(server))
  const reads = new ExchangeReads({ libp2p: client.helia.libp2p, local: client.blockstore, network: client.helia.blockstore, sources: () => [server.helia.libp2p.peerId] })

  const signal = AbortSignal.timeout(5000)
  const [badOutcome, goodBytes] = await Promise.all([
    readWholeBlock(reads.store, damaged.cid, { signal }).then(() => 'sent', () => 'not sent'),
    readWholeBlock(reads.store, good.cid, { signal })
  ])
  assert.equal(badOutcome, 'not sent', 'damaged bytes are never taken for the block')
  assert.equal(await client.blockstore.has(damaged.cid), false)
  assert.deepEqual(new Uint8Array(goodBytes), good.bytes)
  assert.equal(reads.stats.mismatches, 1)
  reads.stop()
  await blocks.stop()
  await store.stop()
})
