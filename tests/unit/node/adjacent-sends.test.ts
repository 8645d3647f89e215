import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { webSockets } from '@libp2p/websockets'
import { WebSocket as WsWebSocket } from 'ws'
import { mergeAdjacent, withAdjacentSends } from '../../../core/node/adjacent-sends.ts'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { loadWasmNoiseCrypto } from '../../../core/node/wasm-noise-cipher.ts'
import { randomBytes } from '../backup/helpers.ts'
import type { Stream } from '@libp2p/interface'

const join = (pieces: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(pieces))

describe('adjacent sends: a piece merged with the next when its bytes sit right before it', () => {
  it('merges adjacent views of one buffer, and a short prefix equal to the bytes before the next piece; the bytes sent are the same', () => {
    const buffer = Uint8Array.from({ length: 64 }, (_, i) => i)
    const a = buffer.subarray(0, 10)
    const b = buffer.subarray(10, 30)
    const c = buffer.subarray(40, 64)
    const merged = mergeAdjacent([a, b, c])
    assert.ok(merged !== undefined)
    assert.equal(merged.length, 2)
    assert.deepEqual(join(merged), join([a, b, c]))

    // Noise's own 2-byte length (a buffer of its own) before a frame whose buffer holds the same two bytes before it.
    const sealed = new Uint8Array(2 + 300)
    sealed[0] = 0x01; sealed[1] = 0x2c
    sealed.fill(9, 2)
    const frame = sealed.subarray(2)
    const prefix = Uint8Array.of(0x01, 0x2c)
    const sent = mergeAdjacent([prefix, frame, Uint8Array.of(0, 3), frame])
    assert.ok(sent !== undefined)
    assert.equal(sent.length, 3)
    assert.equal(sent[0]?.byteLength, 302)
    assert.deepEqual(join(sent), join([prefix, frame, Uint8Array.of(0, 3), frame]))
  })

  it('leaves pieces alone when the bytes before the next differ, the next starts its buffer, or the piece is long', () => {
    const frame = new Uint8Array(10).fill(5).subarray(2)
    assert.equal(mergeAdjacent([Uint8Array.of(5, 6), frame]), undefined, 'different bytes before it')
    assert.equal(mergeAdjacent([Uint8Array.of(5, 5, 5), frame]), undefined, 'not enough room before it')
    assert.equal(mergeAdjacent([Uint8Array.of(7, 7), new Uint8Array(4)]), undefined, 'at its buffer\'s start')
    const long = new Uint8Array(40).fill(1)
    assert.equal(mergeAdjacent([long.subarray(0, 16).slice(), long.subarray(16)]), undefined, 'a long piece is compared only when the same memory')
    assert.equal(mergeAdjacent([]), undefined)
  })
})

describe('a browser-like node (libsodium\'s Noise cipher, adjacent sends) talking to a Node node', () => {
  const nodes: CairnHelia[] = []
  after(async () => { await Promise.all(nodes.map(async (node) => { await node.stop() })) })

  async function start (listen: string[], browserLike: boolean): Promise<CairnHelia> {
    const node = createNode({ listen, allowPrivateAddresses: true, agentName: 'cairn-test' }, {
      blockstore: new MemoryBlockstore(),
      datastore: new MemoryDatastore(),
      transports: [browserLike ? withAdjacentSends(webSockets()) : webSockets()],
      ...(browserLike ? { noiseCrypto: await loadWasmNoiseCrypto() } : {})
    })
    await node.start()
    nodes.push(node)
    return node
  }

  it('sends 4 MiB byte for byte, each Noise frame and its length one WebSocket message', async () => {
    const server = await start(['/ip4/127.0.0.1/tcp/0/ws'], false)
    const client = await start([], true)
    let received = 0
    await server.libp2p.handle('/cairn-test/sink/1.0.0', (stream: Stream) => {
      void (async () => {
        const pieces: Uint8Array[] = []
        for await (const chunk of stream) pieces.push(chunk.subarray())
        received = pieces.reduce((sum, piece) => sum + piece.byteLength, 0)
        stream.send(createHash('sha256').update(join(pieces)).digest())
        await stream.close()
      })()
    })
    // The server's side is ws: count the messages it receives, and those of 2 bytes (a Noise length alone).
    const proto = WsWebSocket.prototype as unknown as { emit: (event: string | symbol, ...args: unknown[]) => boolean }
    const emit = proto.emit
    let messages = 0
    let lengthsAlone = 0
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === 'message') {
        messages++
        if ((args[0] as { byteLength: number }).byteLength === 2) lengthsAlone++
      }
      return emit.apply(this, [event, ...args])
    }
    try {
      const address = server.libp2p.getMultiaddrs()[0]
      assert.ok(address !== undefined)
      const stream = await client.libp2p.dialProtocol(address, '/cairn-test/sink/1.0.0')
      const payload = randomBytes(4 * 1024 * 1024)
      for (let at = 0; at < payload.byteLength; at += 256 * 1024) {
        if (!stream.send(payload.subarray(at, at + 256 * 1024))) await stream.onDrain()
      }
      await stream.close()
      const echoed: Uint8Array[] = []
      for await (const chunk of stream) echoed.push(chunk.subarray())
      assert.equal(received, payload.byteLength)
      assert.deepEqual(Buffer.from(join(echoed)), createHash('sha256').update(payload).digest(), 'the server received other bytes')
    } finally {
      proto.emit = emit
    }
    // 4 MiB is at least 64 full Noise frames; apart, each length would be a message of its own.
    assert.ok(messages >= 64, `${messages} messages`)
    assert.ok(lengthsAlone <= 2, `${lengthsAlone} of ${messages} messages were a Noise length alone`)
  })
})
