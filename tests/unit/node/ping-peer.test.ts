import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createClient, type Client } from '../relay/helpers.ts'
import { pingPeer } from '../../../core/node/ping-peer.ts'
import { PeerUnreachableError } from '../../../core/errors.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

const PING = '/ipfs/ping/1.0.0'

/** The address a node listens on (one WebSocket listener each here). */
function listening (node: Client): Multiaddr {
  const [address] = node.getMultiaddrs()
  if (address === undefined) throw new Error('the node listens nowhere')
  return address
}

describe('pingPeer: the Peers page\'s Ping', { timeout: 30_000 }, () => {
  let a: Client
  let b: Client

  before(async () => {
    a = await createClient(['/ip4/127.0.0.1/tcp/0/ws'])
    b = await createClient()
    await b.dial(listening(a), { signal: AbortSignal.timeout(10_000) })
  })

  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()])
  })

  it('answers with a round trip even while another ping stream (the connection monitor\'s) is open', async () => {
    const [connection] = b.getConnections(a.peerId)
    assert.ok(connection !== undefined, 'B is connected to A')
    // What libp2p's connection monitor does every 10 s: its own stream on the ping protocol.
    const held = await connection.newStream(PING, { signal: AbortSignal.timeout(5000) })
    // libp2p's ping alone refuses: one outbound ping stream per connection.
    await assert.rejects(b.services.ping.ping(a.peerId, { signal: AbortSignal.timeout(5000) }), { name: 'TooManyOutboundProtocolStreamsError' })
    setTimeout(() => { held.abort(new Error('monitor done')) }, 400)
    const rtt = await pingPeer(b.services.ping, a.peerId, 5000)
    assert.equal(typeof rtt, 'number')
    assert.ok(rtt >= 0 && rtt < 5000, `round trip ${rtt} ms`)
  })

  it('a peer that takes the ping but never echoes is refused in words once the time is up', async () => {
    const silent = await createClient(['/ip4/127.0.0.1/tcp/0/ws'])
    try {
      await silent.unhandle(PING)
      // Reads the ping and says nothing: the ping service alone would wait for ever.
      await silent.handle(PING, async stream => { for await (const _ of stream) { /* swallow */ } })
      await b.dial(listening(silent), { signal: AbortSignal.timeout(10_000) })
      const started = Date.now()
      await assert.rejects(pingPeer(b.services.ping, silent.peerId, 600), (err: Error) => {
        assert.ok(err instanceof PeerUnreachableError)
        assert.match(err.message, /did not answer the ping within 0.6 s/)
        return true
      })
      assert.ok(Date.now() - started < 5000)
    } finally {
      await silent.stop()
    }
  })

  it('a peer without the ping protocol is refused at once, in words', async () => {
    const deaf = await createClient(['/ip4/127.0.0.1/tcp/0/ws'])
    try {
      await deaf.unhandle(PING)
      await b.dial(listening(deaf), { signal: AbortSignal.timeout(10_000) })
      await assert.rejects(pingPeer(b.services.ping, deaf.peerId, 5000), (err: Error) => {
        assert.ok(err instanceof PeerUnreachableError)
        assert.match(err.message, /^The ping failed: /)
        return true
      })
    } finally {
      await deaf.stop()
    }
  })
})
