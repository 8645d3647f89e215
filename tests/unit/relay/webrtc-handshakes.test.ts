import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { countPeerConnections, floodStun, randomUfrag, webrtcPort } from '../support/stun-flood.ts'
import { createClient, eventually, startTestRelay, type Client } from './helpers.ts'

// A WebRTC-direct handshake costs the relay a native peer connection per
// STUN packet with a new ufrag, long before libp2p's gater sees it: one
// stranger's UDP packets must not make it hold them without bound.

describe('relay: a flood of WebRTC-direct handshakes', { timeout: 60_000 }, () => {
  it('one address gets a few handshakes at once, not one per packet; a device from another address still connects', async () => {
    const relay = await startTestRelay({ webrtcDirect: true, webrtcPort: 0 })
    const ufrags = Array.from({ length: 300 }, randomUfrag)
    const counter = countPeerConnections(ufrags)
    let client: Client | undefined
    try {
      // 127.0.0.2 is loopback too: the stranger's address; the device dials from 127.0.0.1.
      await floodStun(webrtcPort(relay.multiaddrs), ufrags, '127.0.0.2')
      await eventually(() => counter.built() >= ufrags.length, 3_000)
      assert.ok(counter.built() <= 8, `the relay built ${counter.built()} peer connections for 300 packets from one address`)

      client = await createClient([], { webrtcDirect: true })
      const address = relay.multiaddrs.find((a) => a.includes('/webrtc-direct/'))
      assert.ok(address !== undefined)
      await client.services.ping.ping(multiaddr(address))
    } finally {
      counter.stop()
      await client?.stop()
      await relay.close()
    }
  })

  it('handshakes from many addresses together stay within --max-pending-connections', async () => {
    const relay = await startTestRelay({ webrtcDirect: true, webrtcPort: 0, maxPendingConnections: 4 })
    const ufrags = Array.from({ length: 150 }, randomUfrag)
    const counter = countPeerConnections(ufrags)
    try {
      const port = webrtcPort(relay.multiaddrs)
      await Promise.all([2, 3, 4].map(async (n, i) => { await floodStun(port, ufrags.slice(i * 50, i * 50 + 50), `127.0.0.${n}`) }))
      await eventually(() => counter.built() >= ufrags.length, 3_000)
      assert.ok(counter.built() <= 4, `the relay built ${counter.built()} peer connections at once (cap 4)`)
    } finally {
      counter.stop()
      await relay.close()
    }
  })
})
