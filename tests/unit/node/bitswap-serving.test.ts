import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { isCairnError } from '../../../core/errors.ts'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import type { PackGetOptions } from '../../../core/storage/pack-blockstore.ts'
import { FILE_HEADER_LENGTH } from '../../../core/storage/pack-format.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { collectAll, collectBytes, makeBlock } from '../../contract/block-fixtures.ts'
import { newestFile, openMemoryPackStore } from '../storage/memory-pack-store.ts'
import type { Blockstore } from 'interface-blockstore'

async function start (blockstore: Blockstore, listen: string[] = []): Promise<CairnHelia> {
  const helia = createNode({ listen, allowPrivateAddresses: true, agentName: 'cairn-test' }, { blockstore, datastore: new MemoryDatastore(), transports: [webSockets()] })
  await helia.start()
  return helia
}

describe('core/node: blocks served over bitswap', () => {
  it('are read without the re-hash; a damaged one is still refused by the receiver, and local reads stay checked', async () => {
    const { store, files } = await openMemoryPackStore()
    // Over one Noise message and one yamux window: the path a content block takes.
    const sound = await makeBlock(1024 * 1024 + 977, 1)
    const damaged = await makeBlock(300_000, 2)
    await collectAll(store.putMany([damaged, sound]))
    files.flipByte(await newestFile(files, 'pack'), FILE_HEADER_LENGTH + 1234)
    // Every read's options, to see which ones skipped the check.
    const reads: Array<{ cid: string, skipped: boolean }> = []
    const get = store.get.bind(store)
    store.get = (cid, options?: PackGetOptions) => {
      reads.push({ cid: cid.toString(), skipped: options?.skipHashCheck === true })
      return get(cid, options)
    }

    const server = await start(store, ['/ip4/127.0.0.1/tcp/0/ws'])
    const client = await start(new MemoryBlockstore())
    try {
      const address = server.libp2p.getMultiaddrs()[0]
      assert.ok(address !== undefined)
      await client.libp2p.dial(multiaddr(address.toString()))

      const got = await readWholeBlock(client.blockstore, sound.cid, { signal: AbortSignal.timeout(20_000) })
      assert.deepEqual(got, sound.bytes)
      assert.deepEqual(reads.filter((r) => r.cid === sound.cid.toString()).map((r) => r.skipped), [true])

      // The server sends the damaged bytes; the client hashes them, finds no want for that hash and keeps waiting.
      await assert.rejects(readWholeBlock(client.blockstore, damaged.cid, { signal: AbortSignal.timeout(3_000) }))
      assert.ok(reads.some((r) => r.cid === damaged.cid.toString() && r.skipped), 'the damaged block was served')
      assert.equal(await client.blockstore.has(damaged.cid), false)

      // A reader on the server itself still gets BLOCK_DAMAGED.
      await assert.rejects(collectBytes(store.get(damaged.cid)), (err: unknown) => isCairnError(err) && err.code === 'BLOCK_DAMAGED')
    } finally {
      await client.stop()
      await server.stop()
      await store.stop()
    }
  })
})
