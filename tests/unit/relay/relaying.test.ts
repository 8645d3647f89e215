import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { WebSocket as WsWebSocket } from 'ws'
import { circuitAddress, createClient, sendToSink, serveSink, startTestRelay, wsAddress, type Client } from './helpers.ts'

/** ws's client as the DOM's WebSocket is constructed; counts the messages every such socket receives and their bytes. */
class CountingWebSocket extends WsWebSocket {
  static messages = 0
  static bytes = 0
  constructor (address: string | URL, protocols?: string | string[]) {
    super(address, protocols)
    this.on('message', (data: Buffer) => { CountingWebSocket.messages++; CountingWebSocket.bytes += data.byteLength })
  }
}

describe('relay: relaying between two clients', { timeout: 30_000 }, () => {
  let relay: Awaited<ReturnType<typeof startTestRelay>>
  let a: Client
  let b: Client

  before(async () => {
    relay = await startTestRelay()
    a = await createClient([relay.circuit])
    b = await createClient()
    await serveSink(a)
  })

  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()])
    await relay?.close()
  })

  it('A reserves a slot, B dials A through the relay and pings it', async () => {
    const address = await circuitAddress(a)
    assert.ok(address.toString().startsWith(wsAddress(relay.multiaddrs).toString()), address.toString())
    assert.equal(relay.stats().reservations, 1)
    const connection = await b.dial(address, { signal: AbortSignal.timeout(10_000) })
    assert.equal(connection.remotePeer.toString(), a.peerId.toString())
    // The relay sends no Limit: the connection is a full one, so bitswap could run on it.
    assert.equal(connection.limits, undefined)
    const rtt = await b.services.ping.ping(address, { signal: AbortSignal.timeout(5_000) })
    assert.ok(rtt >= 0)
  })

  it('carries 1 MiB over one relayed stream (past the 128 KiB default limit)', async () => {
    const address = await circuitAddress(a)
    const total = 1024 * 1024
    assert.equal(await sendToSink(b, address, total), total)
    assert.ok(relay.stats().relayedConnections >= 1)
  })

  it('forwards a relayed stream in few WebSocket messages, not one per Noise length prefix and yamux header', async () => {
    const c = await createClient([relay.circuit], { dialWith: CountingWebSocket as unknown as typeof globalThis.WebSocket })
    try {
      await serveSink(c)
      const address = await circuitAddress(c)
      const total = 4 * 1024 * 1024
      const before = { messages: CountingWebSocket.messages, bytes: CountingWebSocket.bytes }
      assert.equal(await sendToSink(b, address, total), total)
      const messages = CountingWebSocket.messages - before.messages
      const bytes = CountingWebSocket.bytes - before.bytes
      assert.ok(bytes > total, `${bytes} bytes reached C from the relay`)
      // Each forwarded write is Noise frames (a 2-byte length, then ciphertext) carrying yamux frames (a header, then
      // data); a 64 KiB chunk takes two Noise frames. Piece by piece that was ~9 messages per 64 KiB (578 for 4 MiB);
      // joined, ~3 (176).
      assert.ok(messages <= 4 * total / 65_536, `${messages} messages from the relay for ${total} bytes`)
    } finally {
      await c.stop()
    }
  })
})

describe('relay: WebRTC-direct', { timeout: 30_000 }, () => {
  it('takes a reservation over WebRTC-direct and relays to it from a WebSocket client', async () => {
    const relay = await startTestRelay({ webrtcDirect: true })
    const webrtc = relay.multiaddrs.find(a => a.includes('/webrtc-direct/'))
    assert.ok(webrtc !== undefined, relay.multiaddrs.join(' '))
    const a = await createClient([`${webrtc}/p2p-circuit`], { webrtcDirect: true })
    const b = await createClient()
    try {
      await serveSink(a)
      await circuitAddress(a)
      assert.ok(a.getConnections().some(c => c.remoteAddr.toString().includes('/webrtc-direct/')), 'A reached the relay over WebRTC-direct')
      // B knows the relay by its WebSocket address; the reservation is A's, whatever transport A used.
      const viaWs = multiaddr(`${relay.circuit}/p2p/${a.peerId.toString()}`)
      assert.ok(await b.services.ping.ping(viaWs, { signal: AbortSignal.timeout(5_000) }) >= 0)
      assert.equal(await sendToSink(b, viaWs, 512 * 1024), 512 * 1024)
    } finally {
      await Promise.allSettled([a.stop(), b.stop()])
      await relay.close()
    }
  })
})
