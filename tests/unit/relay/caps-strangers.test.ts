import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lastForwardedFor, parseProxyV1 } from '../../../relay-server/relay/forwarded-address.ts'
import { ipKey } from '../../../relay-server/relay/ip.ts'
import { circuitAddress, createClient, eventually, startTestRelay, tryClients, wsAddress, type Client } from './helpers.ts'
import { startTestProxy, type ProxyMode, type TestProxy } from './test-proxy.ts'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'

// Caps against strangers: IPv6 hosts that rotate addresses inside their /64,
// one peer opening many connections or circuits, and clients behind a TLS
// proxy. Clients "from" other addresses come through a test proxy that says
// so with a PROXY v1 line or an X-Forwarded-For header.

async function stopAll (clients: Array<Client | undefined>): Promise<void> {
  await Promise.allSettled(clients.map(async c => { await c?.stop() }))
}

/** Whether a fresh client can connect to the relay at `address` (refused connections fail the dial). */
async function connects (address: Multiaddr, clients: Client[]): Promise<boolean> {
  const [client] = await tryClients(1, [], address)
  if (client === undefined) return false
  clients.push(client)
  return true
}

async function withProxies<T> (relayWs: Multiaddr, modes: ProxyMode[], run: (proxies: TestProxy[]) => Promise<T>): Promise<T> {
  const proxies = await Promise.all(modes.map(async mode => await startTestProxy(relayWs, mode)))
  try {
    return await run(proxies)
  } finally {
    await Promise.allSettled(proxies.map(async p => { await p.close() }))
  }
}

describe('relay: addresses as the caps count them', () => {
  it('counts IPv6 addresses by their /64 and IPv4-mapped addresses as IPv4', () => {
    assert.equal(ipKey('2001:db8:0:1::1'), ipKey('2001:db8:0:1:ffff:ffff:ffff:fffe'))
    assert.equal(ipKey('2001:0db8:0000:0001:0:0:0:5'), ipKey('2001:db8:0:1::1'))
    assert.notEqual(ipKey('2001:db8:0:1::1'), ipKey('2001:db8:0:2::1'))
    assert.equal(ipKey('::ffff:192.0.2.1'), '192.0.2.1')
    assert.equal(ipKey('192.0.2.1'), '192.0.2.1')
    assert.notEqual(ipKey('192.0.2.1'), ipKey('192.0.2.2'))
  })

  it('reads the client from a PROXY v1 line and from the last X-Forwarded-For entry', () => {
    assert.deepEqual(parseProxyV1('PROXY TCP4 203.0.113.5 192.0.2.1 51000 443'), { address: '203.0.113.5', port: 51000 })
    assert.deepEqual(parseProxyV1('PROXY TCP6 2001:db8::5 2001:db8::1 51000 443'), { address: '2001:db8::5', port: 51000 })
    assert.equal(parseProxyV1('PROXY UNKNOWN'), 'unknown')
    assert.equal(parseProxyV1('PROXY TCP4 2001:db8::5 192.0.2.1 51000 443'), undefined)
    assert.equal(parseProxyV1('PROXY TCP4 203.0.113.5 192.0.2.1 99999 443'), undefined)
    assert.equal(parseProxyV1('GET / HTTP/1.1'), undefined)
    // The client may send its own header; the proxy appends what it saw.
    assert.equal(lastForwardedFor('198.51.100.1, 203.0.113.5'), '203.0.113.5')
    assert.equal(lastForwardedFor(['198.51.100.1', '203.0.113.5:443']), '203.0.113.5')
    assert.equal(lastForwardedFor('[2001:db8::5]:443'), '2001:db8::5')
    assert.equal(lastForwardedFor('203.0.113.5, not-an-ip'), undefined)
    assert.equal(lastForwardedFor(undefined), undefined)
  })
})

describe('relay caps under strangers', { timeout: 60_000 }, () => {
  it('--max-connections-per-ip counts one IPv6 /64 as one address', async () => {
    const relay = await startTestRelay({ maxConnectionsPerIp: 1, trustedProxy: ['127.0.0.1'] })
    const clients: Client[] = []
    try {
      await withProxies(wsAddress(relay.multiaddrs), [{ proxyV1: '2001:db8:0:1::1' }, { proxyV1: '2001:db8:0:1::2' }, { proxyV1: '2001:db8:0:2::1' }], async ([a, sameNet, otherNet]) => {
        assert.equal(await connects(a!.address, clients), true, 'the first address of a /64 connects')
        assert.equal(await connects(sameNet!.address, clients), false, 'another address of the same /64 is over the cap')
        assert.equal(await connects(otherNet!.address, clients), true, 'another /64 has its own count')
      })
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })

  it('--max-reservations-per-ip counts one IPv6 /64 as one address', async () => {
    const relay = await startTestRelay({ maxReservationsPerIp: 1, trustedProxy: ['127.0.0.1'] })
    const clients: Client[] = []
    try {
      await withProxies(wsAddress(relay.multiaddrs), [{ proxyV1: '2001:db8:0:1::1' }, { proxyV1: '2001:db8:0:1::2' }, { proxyV1: '2001:db8:0:2::1' }], async (proxies) => {
        const reserve = async (p: TestProxy): Promise<number> => {
          const started = await tryClients(1, [`${p.address.toString()}/p2p-circuit`])
          clients.push(...started)
          return started.length
        }
        assert.equal(await reserve(proxies[0]!), 1)
        assert.equal(await reserve(proxies[1]!), 0, 'a second reservation from the same /64 is refused')
        assert.equal(await reserve(proxies[2]!), 1, 'another /64 has its own count')
        assert.equal(relay.stats().reservations, 2)
      })
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })

  it('--max-connections-per-peer: a second connection of one PeerId is refused, other peers connect', async () => {
    const relay = await startTestRelay({ maxConnectionsPerPeer: 1 })
    const address = wsAddress(relay.multiaddrs)
    const privateKey = await generateKeyPair('Ed25519')
    const clients: Client[] = []
    try {
      const first = await createClient([], { privateKey })
      clients.push(first)
      await first.dial(address, { signal: AbortSignal.timeout(5_000) })
      const twin = await createClient([], { privateKey })
      clients.push(twin)
      // The relay refuses it once the handshake names the peer; the dialer may see it open for a moment.
      await twin.dial(address, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined)
      assert.ok(await eventually(() => twin.getConnections().length === 0), 'the same PeerId over a second connection is refused')
      assert.equal(await connects(address, clients), true, 'another peer connects')
      assert.ok(await first.services.ping.ping(address, { signal: AbortSignal.timeout(5_000) }) >= 0, 'the first connection keeps working')
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })

  it('--max-relayed-connections-per-peer: one peer cannot hold more circuits than its share', async () => {
    const relay = await startTestRelay({ maxRelayedConnectionsPerPeer: 1 })
    const clients: Client[] = []
    try {
      const l1 = await createClient([relay.circuit])
      const l2 = await createClient([relay.circuit])
      const b = await createClient()
      const c = await createClient()
      clients.push(l1, l2, b, c)
      const [to1, to2] = [await circuitAddress(l1), await circuitAddress(l2)]
      await b.dial(to1, { signal: AbortSignal.timeout(5_000) })
      await assert.rejects(b.dial(to2, { signal: AbortSignal.timeout(5_000) }), 'B already holds its one circuit')
      await c.dial(to2, { signal: AbortSignal.timeout(5_000) })
      assert.equal(relay.stats().relayedConnections, 2)
      assert.ok(await b.services.ping.ping(to1, { signal: AbortSignal.timeout(5_000) }) >= 0, 'B\'s circuit keeps working')
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })

  it('--max-relayed-connections-per-ip: peers from one address share one count, another address has its own', async () => {
    const relay = await startTestRelay({ maxRelayedConnectionsPerIp: 1, trustedProxy: ['127.0.0.1'] })
    const clients: Client[] = []
    try {
      await withProxies(wsAddress(relay.multiaddrs), [{ proxyV1: '203.0.113.7' }], async ([proxy]) => {
        const l1 = await createClient([relay.circuit])
        const l2 = await createClient([relay.circuit])
        const b = await createClient()
        const c = await createClient()
        const d = await createClient()
        clients.push(l1, l2, b, c, d)
        const [to1, to2] = [await circuitAddress(l1), await circuitAddress(l2)]
        await b.dial(to1, { signal: AbortSignal.timeout(5_000) })
        await assert.rejects(c.dial(to2, { signal: AbortSignal.timeout(5_000) }), 'C comes from B\'s address, which holds its one circuit')
        // D reaches the relay through the proxy, as 203.0.113.7.
        await d.dial(proxy!.address, { signal: AbortSignal.timeout(5_000) })
        const viaProxy = to2.toString().replace(wsAddress(relay.multiaddrs).toString(), proxy!.address.toString())
        await d.dial(multiaddr(viaProxy), { signal: AbortSignal.timeout(5_000) })
        assert.equal(relay.stats().relayedConnections, 2)
      })
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })
})

describe('relay behind a TLS proxy (--trusted-proxy)', { timeout: 60_000 }, () => {
  it('believes the last X-Forwarded-For entry from the trusted proxy', async () => {
    const relay = await startTestRelay({ maxConnectionsPerIp: 1, trustedProxy: ['127.0.0.1'] })
    const clients: Client[] = []
    try {
      // A client may put its own entry first; only the proxy's (last) one counts.
      const modes = [{ forwardedFor: '203.0.113.6, 203.0.113.5' }, { forwardedFor: '203.0.113.5' }, { forwardedFor: '203.0.113.6' }]
      await withProxies(wsAddress(relay.multiaddrs), modes, async ([first, same, other]) => {
        assert.equal(await connects(first!.address, clients), true)
        assert.equal(await connects(same!.address, clients), false, '203.0.113.5 is at its cap')
        assert.equal(await connects(other!.address, clients), true, '203.0.113.6 is another client')
      })
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })

  it('ignores X-Forwarded-For and PROXY lines from anyone but the trusted proxy', async () => {
    const relay = await startTestRelay({ maxConnectionsPerIp: 1, trustedProxy: ['192.0.2.1'] })
    const clients: Client[] = []
    try {
      const modes = [{ proxyV1: '203.0.113.7' }, { forwardedFor: '203.0.113.5' }, { forwardedFor: '203.0.113.6' }]
      await withProxies(wsAddress(relay.multiaddrs), modes, async ([proxyLine, a, b]) => {
        assert.equal(await connects(proxyLine!.address, clients), false, 'a PROXY line from a stranger is not read as one')
        assert.equal(await connects(a!.address, clients), true)
        assert.equal(await connects(b!.address, clients), false, 'both come from 127.0.0.1 whatever the header says')
      })
    } finally {
      await stopAll(clients)
      await relay.close()
    }
  })
})
