import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { ConnectionCaps } from '../../../relay-server/relay/connection-caps.ts'
import type { MultiaddrConnection } from '@libp2p/interface'

// --connection-rate-per-ip, like every per-IP cap, counts an IPv6 /64 as one
// address: a host that picks a new address of its /64 for every connection
// must not get a fresh allowance each time.

/** A raw inbound connection from `ip`, as the connection gater sees it (it only reads the address and listens for close). */
function rawConnection (ip: string): MultiaddrConnection {
  const target = new EventTarget()
  return Object.assign(target, { remoteAddr: multiaddr(`/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/4000/ws`) }) as unknown as MultiaddrConnection
}

describe('relay: new connections per second per IP address', () => {
  it('counts the addresses of one IPv6 /64 together, and gives the allowance back a second later (injected clock)', () => {
    let now = 1_000_000
    const caps = new ConnectionCaps({ maxConnectionsPerIp: 100, maxConnectionsPerPeer: 100, connectionRatePerIp: 2, log: createLogger({ level: 'silent' }), now: () => now })
    const deny = (ip: string): boolean => caps.denyInboundConnection(rawConnection(ip))

    assert.equal(deny('2001:db8:1:2::1'), false)
    assert.equal(deny('2001:db8:1:2::2'), false)
    assert.equal(deny('2001:db8:1:2:ffff::3'), true, 'a third new connection from the same /64 within the second is refused')
    assert.equal(deny('2001:db8:1:3::1'), false, 'another /64 has its own allowance')
    assert.equal(deny('192.0.2.1'), false)

    now += 1000
    assert.equal(deny('2001:db8:1:2::4'), false, 'a second later the /64 may connect again')
  })
})
