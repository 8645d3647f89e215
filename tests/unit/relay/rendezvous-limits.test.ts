import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { isCairnError } from '../../../core/errors.ts'
import { libp2pDialer } from '../../../core/protocols/pairing/libp2p-dialer.ts'
import { createOffer } from '../../../core/protocols/pairing/offer.ts'
import { publishOfferCode, resolveOfferCode } from '../../../core/protocols/pairing/offer-directory.ts'
import { rendezvousDirectory } from '../../../core/protocols/pairing/rendezvous.ts'
import { formatShortCode } from '../../../core/protocols/pairing/short-code.ts'
import { ipKeyOf } from '../../../relay-server/relay/ip.ts'
import { createClient, startTestRelay, wsAddress, type Client } from './helpers.ts'
import { startTestProxy, type TestProxy } from './test-proxy.ts'

// The relay's short-code rendezvous takes a publish from anyone. Its one
// directory (1,000 entries) once had no limit per peer or IP: one stranger on
// one connection filled it with tiny offers for 15 minutes (and again), and
// every user of the relay was then refused a short code. (From a reviewer's
// test: 1,000 publishes from one client, then an honest device's.)

/** Tries `count` publishes of tiny offers under ids from `first`, 20 at a time: the codes of the refusals. */
async function flood (client: Client, at: string[], first: number, count: number): Promise<Set<string>> {
  const directory = rendezvousDirectory(libp2pDialer(client), at)
  const expires = Date.now() + 60 * 60_000
  const refusals = new Set<string>()
  for (let start = first; start < first + count; start += 20) {
    const batch = Array.from({ length: 20 }, async (_, i) => await directory.publish(String(start + i).padStart(5, '0'), Uint8Array.of(1), expires))
    for (const result of await Promise.allSettled(batch)) {
      if (result.status === 'rejected') refusals.add(isCairnError(result.reason) ? result.reason.code : String(result.reason))
    }
  }
  return refusals
}

/** An honest device's offer (reachable through the relay), published under a fresh code and found again by another device. */
async function pairsByCode (publisher: Client, joiner: Client, at: string[], circuit: string): Promise<void> {
  const offer = createOffer({ peer: publisher.peerId.toString(), addresses: [circuit], now: Date.now })
  const code = await publishOfferCode(rendezvousDirectory(libp2pDialer(publisher), at), offer)
  assert.deepEqual(await resolveOfferCode(rendezvousDirectory(libp2pDialer(joiner), at), formatShortCode(code)), offer)
}

describe('relay: the short-code rendezvous bounds each stranger\'s share', { timeout: 120_000 }, () => {
  let relay: Awaited<ReturnType<typeof startTestRelay>>
  const clients: Client[] = []
  const proxies: TestProxy[] = []

  before(async () => {
    relay = await startTestRelay({ trustedProxy: ['127.0.0.1'] })
  })

  after(async () => {
    await Promise.allSettled(clients.map(async c => { await c.stop() }))
    await Promise.allSettled(proxies.map(async p => { await p.close() }))
    await relay.close()
  })

  /** A client connected straight (from 127.0.0.1) or through a proxy that says it is `forwardedFor`. */
  async function clientVia (forwardedFor?: string): Promise<{ client: Client, at: string[] }> {
    const client = await createClient()
    clients.push(client)
    let at = relay.multiaddrs
    if (forwardedFor !== undefined) {
      const proxy = await startTestProxy(wsAddress(relay.multiaddrs), { forwardedFor })
      proxies.push(proxy)
      at = [proxy.address.toString()]
    }
    const addresses = at.map(a => multiaddr(a))
    await client.dial(addresses)
    // One round trip first: 20 streams opened the instant a connection is up can end it (as before the
    // rendezvous had limits); that is not what this test is about.
    await client.services.ping.ping(addresses)
    return { client, at }
  }

  it('one stranger on one connection keeps 3 codes at most (each new one replaces its oldest), and everyone else still gets a code', async () => {
    const attacker = await clientVia()
    const refusals = await flood(attacker.client, attacker.at, 0, 1000)
    assert.deepEqual([...refusals], [])
    assert.equal(relay.stats().shortCodes, 3, 'the relay keeps the stranger\'s newest 3 of 1000')
    // Another device, even from the same address (127.0.0.1), publishes and is found.
    const user = await clientVia()
    const joiner = await clientVia()
    await pairsByCode(user.client, joiner.client, user.at, relay.circuit)
  })

  it('many PeerIds from one address fill only that address\'s share, are told why, and a device elsewhere still gets a code', async () => {
    const start = relay.stats().shortCodes
    const refusals = new Set<string>()
    for (let i = 0; i < 4; i++) {
      const sybil = await clientVia('198.51.100.7')
      for (const code of await flood(sybil.client, sybil.at, 10_000 + i * 100, 20)) refusals.add(code)
    }
    assert.equal(relay.stats().shortCodes, start + 8, 'one address keeps 8 codes at most, whatever its PeerIds')
    assert.deepEqual([...refusals], ['PAIRING_CODE_LIMIT'], 'past them each publish is refused, with a code that says why')
    const last = await clientVia('198.51.100.7')
    const offer = createOffer({ peer: last.client.peerId.toString(), addresses: [relay.circuit], now: Date.now })
    await assert.rejects(publishOfferCode(rendezvousDirectory(libp2pDialer(last.client), last.at), offer),
      (err: unknown) => isCairnError(err, 'PAIRING_CODE_LIMIT'), 'a device there hears a clear error at once, not "unreachable" after retries')
    const user = await clientVia('203.0.113.9')
    const joiner = await clientVia('203.0.113.10')
    await pairsByCode(user.client, joiner.client, user.at, relay.circuit)
  })

  it('lookups are rate-limited per peer, so a stranger cannot read honest codes away', async () => {
    const guesser = await clientVia('198.51.100.20')
    const directory = rendezvousDirectory(libp2pDialer(guesser.client), guesser.at)
    const answers = await Promise.allSettled(Array.from({ length: 30 }, async (_, i) => await directory.lookup(String(50_000 + i))))
    const refused = answers.filter(a => a.status === 'rejected')
    assert.ok(refused.length >= 20, `${30 - refused.length} of 30 lookups answered within a minute`)
    assert.ok(refused.every(a => isCairnError(a.reason, 'PAIRING_LOOKUP_LIMIT')))
  })
})

describe('relay: a relayed peer has no IP of its own', () => {
  it('a circuit address counts under no IP (not the hop relay\'s, which every relayed peer shares)', () => {
    const hop = '/ip4/192.0.2.1/tcp/443/wss/p2p/12D3KooWP23zkeSyAawVTDLKZ79xyr8PqYPGsa3qskpMsLv4snYi'
    assert.equal(ipKeyOf(multiaddr(hop)), '192.0.2.1')
    assert.equal(ipKeyOf(multiaddr(`${hop}/p2p-circuit/p2p/12D3KooWDZS4Xc2veT7V3GW2NqkEYjMzuSsjhVgd2xkjmPJA3yeY`)), undefined)
  })
})
