import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { circuitAddress, createClient, sendToSink, serveSink, startTestRelay, wsAddress, type Client } from './helpers.ts'

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
