import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import { dialableHints, isPrivateAddress, isPrivateHost } from '../../../core/share/dial-policy.ts'
import { findShare } from '../../../core/share/open-share.ts'
import { shareHints } from '../../../core/share/share-hints.ts'
import type { CairnHelia } from '../../../core/node/create-node.ts'
import { SAMPLE_CID } from './helpers.ts'

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const RELAY_ID = '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDbcxqn4DzaFhjUXH3E'
const PUBLIC_RELAY = `/dns4/relay.cairn-example.net/tcp/443/wss/p2p/${RELAY_ID}`
const PUBLIC_IP_PEER = `/ip4/8.8.4.4/tcp/4102/ws/p2p/${PEER}`

/** One address per private range the issue names, and the names that mean this machine or LAN. */
const PRIVATE = [
  `/ip4/127.0.0.1/tcp/4101/ws/p2p/${PEER}`,
  `/ip4/127.45.6.7/tcp/1/ws/p2p/${PEER}`,
  `/ip6/::1/tcp/4101/ws/p2p/${PEER}`,
  `/ip4/10.1.2.3/tcp/4102/ws/p2p/${PEER}`,
  `/ip4/172.16.0.9/tcp/4102/ws/p2p/${PEER}`,
  `/ip4/172.31.255.1/tcp/4102/ws/p2p/${PEER}`,
  `/ip4/192.168.1.20/tcp/4102/ws/p2p/${PEER}`,
  `/ip4/169.254.10.1/tcp/4102/ws/p2p/${PEER}`,
  `/ip6/fc00::1/tcp/4102/ws/p2p/${PEER}`,
  `/ip6/fd12:3456::1/tcp/4102/ws/p2p/${PEER}`,
  `/ip6/fe80::1/tcp/4102/ws/p2p/${PEER}`,
  `/dns4/localhost/tcp/4102/ws/p2p/${PEER}`,
  `/dns/localhost/tcp/4102/ws/p2p/${PEER}`,
  `/dns4/nas.local/tcp/4102/ws/p2p/${PEER}`,
  // Relayed through a relay on the LAN: the first hop is what gets dialed.
  `/ip4/192.168.1.2/tcp/4101/ws/p2p/${RELAY_ID}/p2p-circuit/p2p/${PEER}`
]
const PUBLIC = [
  PUBLIC_IP_PEER,
  `/ip4/172.32.0.1/tcp/443/wss/p2p/${PEER}`,
  `/ip6/2a00:1450:4001::1/tcp/443/wss/p2p/${PEER}`,
  `/dns4/peer.cairn-example.net/tcp/443/wss/p2p/${PEER}`,
  `${PUBLIC_RELAY}/p2p-circuit/p2p/${PEER}`
]

describe('which addresses count as loopback or private', () => {
  it('every range the issue names, on its first hop', () => {
    for (const address of PRIVATE) assert.equal(isPrivateAddress(address), true, address)
    for (const address of PUBLIC) assert.equal(isPrivateAddress(address), false, address)
  })

  it('a DNS "name" a browser reads as an IPv4 number counts as the address it is', () => {
    // WHATWG URL parsing: short, decimal, hex and octal IPv4 forms; and a user part before the host.
    const disguised = [
      `/dns4/127.1/tcp/8080/ws/p2p/${PEER}`,
      `/dns4/2130706433/tcp/8080/ws/p2p/${PEER}`,
      `/dns4/0x7f000001/tcp/8080/ws/p2p/${PEER}`,
      `/dns/0177.0.0.1/tcp/8080/ws/p2p/${PEER}`,
      `/dns4/192.168.257/tcp/80/ws/p2p/${PEER}`,
      `/dns4/0x0a.1/tcp/80/ws/p2p/${PEER}`
    ]
    for (const address of disguised) assert.equal(isPrivateAddress(address), true, address)
    assert.deepEqual(dialableHints(disguised, 'cairn.example.net'), [])
    for (const host of ['127.1', '0x7F.1', '017700000001', 'LOCALHOST', 'evil.example@127.0.0.1']) assert.equal(isPrivateHost(host), true, host)
    // Public addresses in another notation stay public (8.8.4.4).
    assert.equal(isPrivateHost('134743044'), false)
  })

  it('a name that only a LAN resolves (a single label, home.arpa, .internal, .lan) counts as private', () => {
    // A link's hint `/dns4/router.home.arpa/tcp/80/ws` would have the recipient's browser open a
    // WebSocket to their own router's admin page: these names mean nothing on the public internet.
    const lanNames = [
      `/dns4/router/tcp/80/ws/p2p/${PEER}`,
      `/dns4/intranet./tcp/8080/ws/p2p/${PEER}`,
      `/dns4/router.home.arpa/tcp/80/ws/p2p/${PEER}`,
      `/dns/nas.internal/tcp/5000/ws/p2p/${PEER}`,
      `/dns4/printer.lan/tcp/631/ws/p2p/${PEER}`,
      `/dns4/a.localhost../tcp/80/ws/p2p/${PEER}`
    ]
    for (const address of lanNames) assert.equal(isPrivateAddress(address), true, address)
    assert.deepEqual(dialableHints([...lanNames, PUBLIC_IP_PEER], 'cairn.example.org'), [PUBLIC_IP_PEER])
    // Public names that merely contain those words stay public.
    for (const host of ['home.arpa.example.com', 'internal.example.com', 'lan.example.org', 'localhost.example.com']) assert.equal(isPrivateHost(host), false, host)
  })

  it('an address that cannot be read is never dialed from a public app', () => {
    assert.equal(isPrivateAddress('not a multiaddr'), true)
    assert.equal(isPrivateAddress(`/p2p/${PEER}`), true)
  })

  it('the hosts an app can be served from', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '[::1]', '192.168.1.5', '10.0.0.2', 'nas.local', '[fe80::1]']) assert.equal(isPrivateHost(host), true, host)
    for (const host of ['cairn.example.org', '8.8.8.8', '[2a00:1450:4001::1]', 'localhost.example.com']) assert.equal(isPrivateHost(host), false, host)
  })
})

describe('a recipient dials private hints only from a private app', () => {
  it('drops them when the app is public, keeps them when it is served locally', () => {
    const hints = [...PRIVATE, ...PUBLIC]
    assert.deepEqual(dialableHints(hints, 'cairn.example.org'), PUBLIC)
    assert.deepEqual(dialableHints(hints, '127.0.0.1'), hints)
    assert.deepEqual(dialableHints(hints, 'localhost'), hints)
    assert.deepEqual(dialableHints(hints, '192.168.1.5'), hints)
  })

  it('findShare never dials a dropped hint', async () => {
    const dialed: string[] = []
    const helia = {
      libp2p: { dial: async (ma: { toString: () => string }) => { dialed.push(ma.toString()); throw new Error('no one there') } },
      // Nobody holds the block: the share is unavailable once the dials are done.
      blockstore: { get: async function * (): AsyncGenerator<Uint8Array> { yield * []; throw new Error('not found') } }
    } as unknown as CairnHelia
    const fields = { cid: CID.parse(SAMPLE_CID.toString()), shareKey: new Uint8Array(32), name: 'x', size: 1, type: 'text/plain', hints: [PRIVATE[0] ?? '', PRIVATE[6] ?? '', PUBLIC_IP_PEER] }
    await assert.rejects(findShare(helia, fields, { findTimeoutMs: 200, appHost: 'cairn.example.org' }), { code: 'SHARE_UNAVAILABLE' })
    assert.deepEqual(dialed, [PUBLIC_IP_PEER])
    dialed.length = 0
    await assert.rejects(findShare(helia, fields, { findTimeoutMs: 200, appHost: 'localhost' }), { code: 'SHARE_UNAVAILABLE' })
    assert.deepEqual(dialed.sort(), [...fields.hints].sort())
  })
})

describe('the hints a sharer puts in a link', () => {
  const lanPeer = { peerId: PEER, address: `/ip4/192.168.1.20/tcp/4102/ws/p2p/${PEER}` }
  const own = `${PUBLIC_RELAY}/p2p-circuit/p2p/12D3KooWSelf`

  it('relay addresses only: never the backup peer\'s own address', () => {
    const hints = shareHints({ backupPeers: [lanPeer, { peerId: PEER, address: PUBLIC_IP_PEER }], relays: [PUBLIC_RELAY], ownAddresses: [own], relayOnly: true })
    assert.deepEqual(hints, [`${PUBLIC_RELAY}/p2p-circuit/p2p/${PEER}`, own])
    assert.ok(hints.every(h => !h.includes('192.168.') && !h.includes('8.8.4.4')))
  })

  it('without it, the direct address comes first, as before', () => {
    const hints = shareHints({ backupPeers: [lanPeer], relays: [PUBLIC_RELAY], ownAddresses: [own] })
    assert.deepEqual(hints, [lanPeer.address, `${PUBLIC_RELAY}/p2p-circuit/p2p/${PEER}`, own])
  })

  it('a public app leaves LAN addresses out of its links (its recipients would drop them); a local one keeps them', () => {
    const lanRelay = `/ip4/192.168.1.2/tcp/4101/ws/p2p/${RELAY_ID}`
    const init = { backupPeers: [lanPeer], relays: [lanRelay, PUBLIC_RELAY], ownAddresses: [own] }
    assert.deepEqual(shareHints({ ...init, appHost: 'cairn.example.org' }), [`${PUBLIC_RELAY}/p2p-circuit/p2p/${PEER}`, own])
    assert.deepEqual(shareHints({ ...init, appHost: 'localhost' }), shareHints(init))
  })
})
