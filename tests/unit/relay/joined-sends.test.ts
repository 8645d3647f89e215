import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { Uint8ArrayList } from 'uint8arraylist'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { joinPieces, sendJoined } from '../../../relay-server/shared/joined-sends.ts'
import { NodeWebSocket, nodeWebSockets } from '../../../relay-server/shared/node-websockets.ts'
import { WebSocket as WsWebSocket, WebSocketServer } from 'ws'
import type { MultiaddrConnection } from '@libp2p/interface'

const RAW = 0x55

/** `n` bytes, all `fill`. */
function piece (n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill)
}

function sizes (list: Uint8ArrayList): number[] {
  return [...list].map((p) => p.byteLength)
}

describe('relay-server/shared: joined sends', () => {
  it('joins runs of pieces up to the cap, keeps bytes and order, sends a big piece alone', () => {
    const input = new Uint8ArrayList(piece(2, 1), piece(100, 2), piece(2, 3), piece(300, 4), piece(50, 5), piece(2, 6), piece(10, 7))
    const out = joinPieces(input, 400)
    // 2+100+2 = 104, +300 would pass 400: flush; 300+50+2 = 352, +10 = 362 ≤ 400.
    assert.deepEqual(sizes(out), [104, 362])
    assert.deepEqual(out.subarray(), input.subarray())
    assert.equal(out.byteLength, input.byteLength)

    const big = new Uint8ArrayList(piece(2, 1), piece(1000, 2), piece(2, 3))
    assert.deepEqual(sizes(joinPieces(big, 400)), [2, 1000, 2])
    assert.deepEqual(joinPieces(big, 400).subarray(), big.subarray())

    const one = new Uint8ArrayList(piece(5, 1))
    assert.equal(joinPieces(one), one)
  })

  it('a connection sends each call joined, in the call, with the same byte count', () => {
    const sent: number[][] = []
    const conn = {
      sendData (data: Uint8ArrayList) {
        sent.push(sizes(data))
        return { sentBytes: data.byteLength, canSendMore: true }
      }
    }
    sendJoined(conn as unknown as MultiaddrConnection, 1024)
    const result = conn.sendData(new Uint8ArrayList(piece(2, 1), piece(500, 2), piece(2, 3), piece(500, 4))) as { sentBytes: number }
    assert.equal(result.sentBytes, 1004)
    assert.deepEqual(sent, [[1004]])
  })

  it('over ws, writes a run as one message without joining it, byte for byte, either way and with any length', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
    await new Promise((resolve) => wss.once('listening', resolve))
    const accepted = new Promise<WsWebSocket>((resolve) => wss.once('connection', resolve))
    const { port } = wss.address() as { port: number }
    // A zero masking key (node-websockets.ts), and one ws picks at random (nothing to gather: joined by copy).
    const zeroMask = new NodeWebSocket(`ws://127.0.0.1:${port}`)
    const server = await accepted
    const randomMask = new WsWebSocket(`ws://127.0.0.1:${port}`)
    const randomServer = await new Promise<WsWebSocket>((resolve) => wss.once('connection', resolve))
    await Promise.all([zeroMask, randomMask].map(async (ws) => { if (ws.readyState !== WsWebSocket.OPEN) await new Promise((resolve) => ws.once('open', resolve)) }))
    try {
      for (const [from, to] of [[zeroMask, server], [server, zeroMask], [randomMask, randomServer]] as const) {
        const got: Buffer[] = []
        to.on('message', (data: Buffer) => got.push(data))
        let sends = 0
        const conn = {
          websocket: from,
          sendData (data: Uint8ArrayList) {
            for (const buf of data) { sends++; from.send(buf) }
            return { sentBytes: data.byteLength, canSendMore: true }
          }
        }
        sendJoined(conn as unknown as MultiaddrConnection, 300 * 1024)
        // Payload lengths with a 1-byte, 2-byte and 8-byte length field, then a piece bigger than the cap alone.
        const calls = [[piece(2, 1), piece(50, 2)], [piece(2, 3), piece(4000, 4), piece(16, 5)], [piece(2, 6), piece(65519, 7), piece(16, 8), piece(2, 9), piece(65519, 10), piece(16, 11)], [piece(400 * 1024, 12)]]
        for (const call of calls) assert.equal((conn.sendData(new Uint8ArrayList(...call)) as { sentBytes: number }).sentBytes, call.reduce((n, p) => n + p.byteLength, 0))
        for (let i = 0; got.length < calls.length && i < 400; i++) await new Promise((resolve) => setTimeout(resolve, 5))
        assert.deepEqual(got.map((m) => [...m]), calls.map((call) => [...new Uint8ArrayList(...call).subarray()]))
        // Gathered runs never reach ws's send; a random mask has every run joined and sent by ws (the big piece is sent alone either way).
        assert.equal(sends, from === randomMask ? 4 : 1)
      }
    } finally {
      for (const ws of [zeroMask, randomMask, server, randomServer]) ws.terminate()
      await new Promise((resolve) => wss.close(resolve))
    }
  })

  it('carries blocks intact between two nodes in far fewer WebSocket messages than pieces', async () => {
    const start = async (listen: string[]): Promise<CairnHelia> => {
      const helia = createNode({ listen, allowPrivateAddresses: true, agentName: 'cairn-test' }, { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore(), transports: [nodeWebSockets()] })
      await helia.start()
      return helia
    }
    // Both ends use nodeWebSockets: the server's accepted connection joins its sends too.
    const server = await start(['/ip4/127.0.0.1/tcp/0/ws'])
    const client = await start([])
    // Messages of 1 KiB or more the client receives, and their bytes (yamux window updates and headers sent on their own are smaller).
    let messages = 0
    let bytes = 0
    try {
      const blocks: Array<{ cid: CID, bytes: Uint8Array }> = []
      for (let i = 0; i < 4; i++) {
        const bytes = new Uint8Array(1024 * 1024 + i * 977)
        for (let j = 0; j < bytes.length; j++) bytes[j] = (j * 13 + i) & 0xff
        blocks.push({ cid: CID.createV1(RAW, await sha256.digest(bytes)), bytes })
        await server.blockstore.put(blocks[i]!.cid, bytes)
      }
      const address = server.libp2p.getMultiaddrs()[0]
      assert.ok(address !== undefined)
      await client.libp2p.dial(multiaddr(address.toString()))
      // Count the messages the client receives (what the server's side sent, joined by copy or written gathered: joined-sends.ts).
      const proto = Object.getPrototypeOf(NodeWebSocket.prototype) as { emit: (event: string | symbol, ...args: unknown[]) => boolean }
      const emit = proto.emit
      proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
        if (event === 'message') {
          const size = (args[0] as { byteLength: number }).byteLength
          if (size >= 1024) { messages++; bytes += size }
        }
        return emit.apply(this, [event, ...args])
      }
      try {
        const got = await Promise.all(blocks.map(async ({ cid }) => await readWholeBlock(client.blockstore, cid, { signal: AbortSignal.timeout(20_000) })))
        got.forEach((bytes, i) => { assert.deepEqual(bytes, blocks[i]?.bytes) })
      } finally {
        proto.emit = emit
      }
      // Unjoined, each 1 MiB block is at least 16 Noise frames, each its own message of ~64 KiB;
      // joined, frames go four to a message of up to 256 KiB.
      assert.ok(bytes > 4 * 1024 * 1024, `${bytes} bytes sent`)
      assert.ok(messages <= 4 * 6, `${messages} messages of 1 KiB or more for 4 blocks`)
    } finally {
      await client.stop()
      await server.stop()
    }
  })
})
