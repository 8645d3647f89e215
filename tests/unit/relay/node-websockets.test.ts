import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { NodeWebSocket, nodeWebSockets } from '../../../relay-server/shared/node-websockets.ts'

const RAW = 0x55

async function start (transport: ReturnType<typeof webSockets>, listen: string[] = []): Promise<CairnHelia> {
  const helia = createNode({ listen, allowPrivateAddresses: true, agentName: 'cairn-test' }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [transport] })
  await helia.start()
  return helia
}

describe('relay-server/shared: nodeWebSockets', () => {
  it('dials with ws (zero mask) and carries blocks intact; the global WebSocket is left as it was', async () => {
    const global = globalThis.WebSocket
    const server = await start(webSockets(), ['/ip4/127.0.0.1/tcp/0/ws'])
    const client = await start(nodeWebSockets())
    try {
      // Blocks larger than one yamux window and one Noise message, with varied bytes.
      const blocks: Array<{ cid: CID, bytes: Uint8Array }> = []
      for (let i = 0; i < 3; i++) {
        const bytes = new Uint8Array(1024 * 1024 + i * 977)
        for (let j = 0; j < bytes.length; j++) bytes[j] = (j * 31 + i) & 0xff
        const cid = CID.createV1(RAW, await sha256.digest(bytes))
        await server.blockstore.put(cid, bytes)
        blocks.push({ cid, bytes })
      }
      const made = NodeWebSocket.made
      const address = server.libp2p.getMultiaddrs()[0]
      assert.ok(address !== undefined)
      await client.libp2p.dial(multiaddr(address.toString()))
      assert.equal(NodeWebSocket.made, made + 1)
      assert.equal(globalThis.WebSocket, global)
      const got = await Promise.all(blocks.map(async ({ cid }) => await readWholeBlock(client.blockstore, cid, { signal: AbortSignal.timeout(10_000) })))
      got.forEach((bytes, i) => { assert.deepEqual(bytes, blocks[i]?.bytes) })
    } finally {
      await client.stop()
      await server.stop()
    }
  })

  it('a refused dial fails and still leaves the global WebSocket as it was', async () => {
    const global = globalThis.WebSocket
    const server = await start(webSockets(), ['/ip4/127.0.0.1/tcp/0/ws'])
    const address = server.libp2p.getMultiaddrs()[0]?.toString()
    await server.stop()
    const client = await start(nodeWebSockets())
    try {
      assert.ok(address !== undefined)
      await assert.rejects(client.libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(10_000) }))
      assert.equal(globalThis.WebSocket, global)
    } finally {
      await client.stop()
    }
  })
})
