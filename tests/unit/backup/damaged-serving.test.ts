import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
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
