import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { BitswapArrivals } from '../../../core/node/bitswap-arrivals.ts'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { makeBlock } from '../../contract/block-fixtures.ts'
import type { MultihashDigest } from 'multiformats/hashes/interface'

async function start (listen: string[] = []): Promise<CairnHelia> {
  const helia = createNode({ listen, allowPrivateAddresses: true, agentName: 'cairn-test' }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [webSockets()] })
  await helia.start()
  return helia
}

/** Arrivals with one block noted, as bitswap's want list would tell it. */
function noted (block: Uint8Array, digest: MultihashDigest<number>): BitswapArrivals {
  const arrivals = new BitswapArrivals()
  let listener: ((evt: { detail: { cid: CID, block: Uint8Array } }) => void) | undefined
  const helia = { blockBrokers: [{ name: 'bitswap', bitswap: { wantList: { addEventListener: (_: string, l: typeof listener) => { listener = l } } } }] }
  assert.equal(arrivals.listen(helia as never), true)
  listener?.({ detail: { cid: CID.createV1(0x55, digest), block } })
  return arrivals
}

describe('core/node: blocks that arrived over bitswap', () => {
  it('are checked with the digest bitswap found; any other bytes are hashed', async () => {
    const block = (await makeBlock(5000, 1)).bytes
    const digest = await sha256.digest(block)
    const arrivals = noted(block, digest)
    assert.equal(await arrivals.hasher.digest(block), digest)
    // The same bytes in another array, or a truncated digest asked for: hashed afresh.
    const copy = block.slice()
    assert.notEqual(await arrivals.hasher.digest(copy), digest)
    assert.deepEqual((await arrivals.hasher.digest(copy)).bytes, digest.bytes)
    assert.deepEqual((await arrivals.hasher.digest(block, { truncate: 20 })).bytes, (await sha256.digest(block, { truncate: 20 })).bytes)
  })

  it('a block whose noted digest is not the wanted CID\'s is still refused by Helia\'s check', async () => {
    // Helia compares the hasher's digest with the CID it asked for: a wrong note cannot pass a block off.
    const block = (await makeBlock(5000, 2)).bytes
    const other = await sha256.digest((await makeBlock(5000, 3)).bytes)
    const arrivals = noted(block, other)
    const wanted = await sha256.digest(block)
    assert.notDeepEqual((await arrivals.hasher.digest(block)).digest, wanted.digest)
  })

  it('a block fetched from a peer is hashed once on arrival, not twice, and arrives intact', async () => {
    const server = await start(['/ip4/127.0.0.1/tcp/0/ws'])
    const client = await start()
    // Count SHA-256 passes over blocks of this size (one Hasher object serves bitswap, Helia and the test).
    const size = 1024 * 1024 + 7
    let passes = 0
    const encode = sha256.encode.bind(sha256)
    const hasher = sha256 as unknown as { encode: typeof encode }
    try {
      const block = await makeBlock(size, 4)
      await server.blockstore.put(block.cid, block.bytes)
      const address = server.libp2p.getMultiaddrs()[0]
      assert.ok(address !== undefined)
      await client.libp2p.dial(multiaddr(address.toString()))
      hasher.encode = (input) => { if (input.byteLength === size) passes++; return encode(input) }
      const got = await readWholeBlock(client.blockstore, block.cid, { signal: AbortSignal.timeout(20_000) })
      assert.deepEqual(got, block.bytes)
      assert.equal(passes, 1)
    } finally {
      hasher.encode = encode
      await client.stop()
      await server.stop()
    }
  })
})
