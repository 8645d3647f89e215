import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { libp2pDialer } from '../../../core/protocols/pairing/libp2p-dialer.ts'
import { decodeOfferLink } from '../../../core/protocols/pairing/offer.ts'
import { PairingHost } from '../../../core/protocols/pairing/pairing-host.ts'
import { joinWithOffer } from '../../../core/protocols/pairing/pairing-join.ts'
import { MemoryOfferDirectory } from '../../../core/protocols/pairing/memory-offer-directory.ts'
import { publishOfferCode, resolveOfferCode } from '../../../core/protocols/pairing/offer-directory.ts'
import { RendezvousService, rendezvousDirectory } from '../../../core/protocols/pairing/rendezvous.ts'
import { formatShortCode } from '../../../core/protocols/pairing/short-code.ts'
import { startNode, type TestNode } from '../backup/helpers.ts'
import { MemoryLog, ORIGIN } from './support.ts'

let a: TestNode
let b: TestNode
let relay: TestNode
let host: PairingHost
let rendezvous: RendezvousService

before(async () => {
  a = await startNode()
  b = await startNode()
  const libp2p = a.helia.libp2p
  host = new PairingHost({ registrar: libp2p, peerId: libp2p.peerId.toString(), addresses: () => libp2p.getMultiaddrs().map(String), log: new MemoryLog() })
  await host.start()
  relay = await startNode()
  rendezvous = new RendezvousService({ registrar: relay.helia.libp2p, directory: new MemoryOfferDirectory(), log: new MemoryLog() })
  await rendezvous.start()
})

after(async () => {
  await host.stop()
  await a.helia.stop()
  await b.helia.stop()
  await rendezvous.stop()
  await relay.helia.stop()
})

test('two libp2p nodes on 127.0.0.1 pair over /cairn/pair/1: same safety number, exact vault key; the link pairs once', async () => {
  const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  let shownOnA: string | undefined
  const hosted = host.createOffer({
    confirm: async (request) => { shownOnA = request.safetyNumber; return true },
    gift: () => ({ vaultKey, details: { vaultId: 'v1' } })
  })
  const link = hosted.link(ORIGIN)
  const join = { dialer: libp2pDialer(b.helia.libp2p), peerId: b.helia.libp2p.peerId.toString(), log: new MemoryLog() }
  let shownOnB: string | undefined
  const result = await joinWithOffer(join, decodeOfferLink(link), { deviceName: 'B', onSafetyNumber: (n) => { shownOnB = n } })
  assert.deepEqual(result.vaultKey, vaultKey)
  assert.deepEqual(result.details, { vaultId: 'v1' })
  assert.equal(result.peer, a.helia.libp2p.peerId.toString())
  assert.ok(shownOnA !== undefined && shownOnA === shownOnB)
  const device = await hosted.done
  assert.equal(device.peer, b.helia.libp2p.peerId.toString(), 'A saw the PeerId Noise authenticated')

  await assert.rejects(joinWithOffer(join, decodeOfferLink(link), { deviceName: 'B', onSafetyNumber: () => {} }), (err: unknown) => isCairnError(err, 'PAIRING_OFFER_USED'))
})

test('an offer whose device is gone is PEER_UNREACHABLE', async () => {
  const hosted = host.createOffer({ confirm: async () => true, gift: () => ({ vaultKey: new Uint8Array(32), details: {} }) })
  const offer = decodeOfferLink(hosted.link(ORIGIN))
  offer.addresses = offer.addresses.map(address => address.replace(/\/tcp\/\d+\//, '/tcp/1/'))
  await b.helia.libp2p.hangUp(a.helia.libp2p.peerId) // no connection left to reuse
  const join = { dialer: libp2pDialer(b.helia.libp2p), peerId: b.helia.libp2p.peerId.toString(), log: new MemoryLog() }
  await assert.rejects(joinWithOffer(join, offer, { deviceName: 'B', onSafetyNumber: () => {}, messageTimeoutMs: 5_000 }), (err: unknown) => isCairnError(err, 'PEER_UNREACHABLE'))
})

test('a short code through the relay rendezvous (/cairn/rendezvous/1) pairs; a mistyped one never leaves the device', async () => {
  const vaultKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const hosted = host.createOffer({ confirm: async () => true, gift: () => ({ vaultKey, details: {} }) })
  const at = relay.helia.libp2p.getMultiaddrs().map(String)
  const typed = formatShortCode(await publishOfferCode(rendezvousDirectory(libp2pDialer(a.helia.libp2p), at), hosted.offer))
  const onB = rendezvousDirectory(libp2pDialer(b.helia.libp2p), at)
  const typo = typed.slice(0, -1) + String((Number(typed.at(-1)) + 1) % 10)
  await assert.rejects(resolveOfferCode(onB, typo), (err: unknown) => isCairnError(err, 'PAIRING_CODE_MISTYPED'))
  const offer = await resolveOfferCode(onB, typed)
  const join = { dialer: libp2pDialer(b.helia.libp2p), peerId: b.helia.libp2p.peerId.toString(), log: new MemoryLog() }
  const result = await joinWithOffer(join, offer, { deviceName: 'B', onSafetyNumber: () => {} })
  assert.deepEqual(result.vaultKey, vaultKey)
})
