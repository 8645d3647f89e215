import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { noise } from '@chainsafe/libp2p-noise'
import { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { lpStream } from '@libp2p/utils'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p, type Libp2p } from 'libp2p'
import { cairnYamux } from '../../../core/node/stream-muxer.ts'
import { eventually, startTestRelay, wsAddress } from './helpers.ts'
import type { Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

// Two strangers in league: S asks the relay for a circuit to D, D accepts it,
// one of them then reads nothing and the other sends as fast as the relay
// takes bytes. The relay must stop taking them once the reader's side is full
// (back-pressure), not hold everything sent in its own memory.

// The circuit v2 messages, encoded by hand (the package does not export its protobuf codecs).
const HOP_RESERVE = Uint8Array.of(0x08, 0x00)
const STOP_STATUS_OK = Uint8Array.of(0x08, 0x01, 0x20, 0x64)
function hopConnect (peerIdBytes: Uint8Array): Uint8Array {
  const peer = Uint8Array.of(0x0a, peerIdBytes.length, ...peerIdBytes)
  return Uint8Array.of(0x08, 0x01, 0x12, peer.length, ...peer)
}
/** Whether a HopMessage carries status OK (field 5 = 100). */
function statusOk (message: Uint8Array): boolean {
  return message.some((byte, i) => byte === 0x28 && message[i + 1] === 0x64)
}

/** A node as a Cairn device is (Cairn's yamux windows), without the circuit relay transport: the test speaks circuit v2 itself. */
async function bareNode (): Promise<Libp2p> {
  return await createLibp2p({ transports: [webSockets()], connectionEncrypters: [noise()], streamMuxers: [cairnYamux()], services: { identify: identify() } })
}

const CHUNK = 256 * 1024
const ATTEMPT = 96 * 2 ** 20

/**
 * Sends up to `total` bytes, queueing no more than a chunk at a time on the sender's
 * own stream; stops when that queue does not empty in `stallMs` (the relay
 * takes no more). Returns the bytes that left the sender.
 */
async function pushUntilStalled (stream: Stream, total: number, stallMs = 3_000): Promise<number> {
  const chunk = new Uint8Array(CHUNK).fill(1)
  let queued = 0
  while (queued < total) {
    if (!(await eventually(() => stream.writeBufferLength === 0, stallMs, 5))) break
    stream.send(chunk)
    queued += CHUNK
  }
  return queued - stream.writeBufferLength
}

/** S joined to D through `relay` by hand; `reader` ('s' or 'd') pauses its end at once and reads nothing from then on. */
async function joinedPair (relayWs: Multiaddr, reader: 's' | 'd'): Promise<{ s: Libp2p, d: Libp2p, sEnd: Stream, dEnd: Stream }> {
  const d = await bareNode()
  const s = await bareNode()
  const dEnd = Promise.withResolvers<Stream>()
  // D accepts the circuit and answers OK.
  await d.handle(RELAY_V2_STOP_CODEC, async (stream) => {
    const lp = lpStream(stream)
    await lp.read()
    await lp.write(STOP_STATUS_OK)
    const raw = lp.unwrap()
    if (reader === 'd') raw.pause()
    dEnd.resolve(raw)
  })
  const reserve = lpStream(await d.dialProtocol(relayWs, RELAY_V2_HOP_CODEC))
  await reserve.write(HOP_RESERVE)
  assert.ok(statusOk((await reserve.read()).subarray()), 'D holds a reservation')

  const hop = lpStream(await s.dialProtocol(relayWs, RELAY_V2_HOP_CODEC))
  await hop.write(hopConnect(d.peerId.toMultihash().bytes))
  assert.ok(statusOk((await hop.read()).subarray()), 'the relay joined S to D')
  const sEnd = hop.unwrap()
  if (reader === 's') sEnd.pause()
  return { s, d, sEnd, dEnd: await dEnd.promise }
}

describe('relay: a circuit whose one end reads nothing', { timeout: 90_000 }, () => {
  for (const reader of ['d', 's'] as const) {
    const sender = reader === 'd' ? 'S' : 'D'
    it(`${reader === 'd' ? 'the destination' : 'the source'} reads nothing: the relay stops taking ${sender}'s bytes instead of holding them all`, async () => {
      const relay = await startTestRelay()
      let pair: Awaited<ReturnType<typeof joinedPair>> | undefined
      try {
        pair = await joinedPair(wsAddress(relay.multiaddrs), reader)
        const taken = await pushUntilStalled(reader === 'd' ? pair.sEnd : pair.dEnd, ATTEMPT)
        assert.ok(taken < 40 * 2 ** 20, `the relay took ${taken / 2 ** 20} MiB from ${sender} while the other end read none`)
        assert.equal(relay.stats().relayedConnections, 1, 'the circuit is still open')
      } finally {
        await Promise.allSettled([pair?.s.stop(), pair?.d.stop()])
        await relay.close()
      }
    })
  }
})
