import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromBase64Url, toBase64Url } from '../../../core/crypto/base64.ts'
import { isCairnError, PairingOfferUsedError, type ErrorCode } from '../../../core/errors.ts'
import { decodeOfferLink, type PairingOffer } from '../../../core/protocols/pairing/offer.ts'
import { PairingHost, type HostedOffer, type PairingRequest } from '../../../core/protocols/pairing/pairing-host.ts'
import { joinOverChannel, joinWithOffer, type JoinResult } from '../../../core/protocols/pairing/pairing-join.ts'
import { channelPair, flipBit, MemoryLog, ORIGIN, PEER_A, PEER_B, PEER_M, TestClock, type Tamper } from './support.ts'

const VAULT_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)
const DETAILS = { vaultId: 'vault-1', deviceName: 'Chrome on Linux', backupPeers: ['/dns4/peer.example/tcp/443/wss'] }
const is = (code: ErrorCode) => (err: unknown) => isCairnError(err, code)

interface Setup { host: PairingHost, clock: TestClock, log: MemoryLog, hosted: HostedOffer, requests: PairingRequest[] }

function setup (answer: boolean | (() => Promise<boolean>) = true, maxWrongSecrets?: number): Setup {
  const clock = new TestClock()
  const log = new MemoryLog()
  const registrar = { handle: async () => {}, unhandle: async () => {} }
  const host = new PairingHost({ registrar, peerId: PEER_A, addresses: () => ['/ip4/127.0.0.1/tcp/4001/ws'], log, now: clock.now }, { maxWrongSecrets })
  const requests: PairingRequest[] = []
  const hosted = host.createOffer({
    confirm: async (request) => { requests.push(request); return typeof answer === 'boolean' ? answer : await answer() },
    gift: () => ({ vaultKey: VAULT_KEY, details: DETAILS })
  })
  return { host, clock, log, hosted, requests }
}

/** B's copy of the offer, as B decodes it from the link. */
function offerOf (hosted: HostedOffer): PairingOffer {
  return decodeOfferLink(hosted.link(ORIGIN))
}

/** One run: A answers, B joins, over an in-memory duplex. */
async function run (s: Setup, offer: PairingOffer, opts: { joiner?: string, toA?: Tamper, toB?: Tamper } = {}): Promise<{ result: JoinResult | Error, safetyB?: string }> {
  const wire = channelPair(opts)
  const answering = s.host.answer(wire.a, opts.joiner ?? PEER_B)
  let safetyB: string | undefined
  const result = await joinOverChannel(wire.b, opts.joiner ?? PEER_B, offer, { deviceName: 'Firefox on Android', onSafetyNumber: (n) => { safetyB = n } }).catch((err: Error) => err)
  wire.close() // B is done: its stream ends, as a real one would
  await answering
  return { result, safetyB }
}

test('a full exchange: same safety number on both screens, B gets the exact vault key and details, A learns B joined', async () => {
  const s = setup()
  const offer = offerOf(s.hosted)
  const { result, safetyB } = await run(s, offer)
  assert.ok(!(result instanceof Error), String(result))
  assert.deepEqual(result.vaultKey, VAULT_KEY)
  assert.deepEqual(result.details, DETAILS)
  assert.equal(result.peer, PEER_A)
  assert.equal(s.requests.length, 1)
  const request = s.requests[0] as PairingRequest
  assert.equal(request.safetyNumber, safetyB)
  assert.equal(result.safetyNumber, safetyB)
  assert.equal(request.peer, PEER_B)
  assert.equal(request.deviceName, 'Firefox on Android')
  assert.deepEqual(await s.hosted.done, { peer: PEER_B, deviceName: 'Firefox on Android', safetyNumber: safetyB })
  assert.ok(s.hosted.offer.secret.every(b => b === 0), "A wiped the offer's secret")
  assert.deepEqual(VAULT_KEY, Uint8Array.from({ length: 32 }, (_, i) => 255 - i), "A's own key bytes are untouched")
})

test('replayed offer: a second join with the same offer is PAIRING_OFFER_USED', async () => {
  const s = setup()
  const offer = offerOf(s.hosted)
  const copy = { ...offer, secret: offer.secret.slice() }
  const first = await run(s, offer)
  assert.ok(!(first.result instanceof Error))
  const again = await run(s, copy, { joiner: PEER_M })
  assert.ok(isCairnError(again.result, 'PAIRING_OFFER_USED'), String(again.result))
  assert.ok(again.result instanceof PairingOfferUsedError, "A's refusal is rebuilt as its class on B")
  assert.equal(s.requests.length, 1, "A's user was asked once")
})

test('wrong secret: PAIRING_SECRET_WRONG on B; A never asks its user; after too many the offer is PAIRING_OFFER_LOCKED', async () => {
  const s = setup(true, 3)
  const offer = offerOf(s.hosted)
  for (let i = 0; i < 3; i++) {
    const wrong = { ...offer, secret: globalThis.crypto.getRandomValues(new Uint8Array(32)) }
    const { result } = await run(s, wrong, { joiner: PEER_M })
    assert.ok(isCairnError(result, 'PAIRING_SECRET_WRONG'), String(result))
  }
  assert.equal(s.requests.length, 0)
  await assert.rejects(s.hosted.done, is('PAIRING_OFFER_LOCKED'))
  const { result } = await run(s, offer)
  assert.ok(isCairnError(result, 'PAIRING_OFFER_LOCKED'), 'even the right secret is refused now')
  assert.ok(s.log.lines.some(line => /warn pairing: refused .*PAIRING_SECRET_WRONG/.test(line)))
})

test('expired offer: PAIRING_OFFER_EXPIRED from A (clock moved, no waiting) and locally on B before dialling', async () => {
  const s = setup()
  const offer = offerOf(s.hosted)
  s.clock.advance(10 * 60_000)
  const { result } = await run(s, offer)
  assert.ok(isCairnError(result, 'PAIRING_OFFER_EXPIRED'), String(result))
  await assert.rejects(s.hosted.done, is('PAIRING_OFFER_EXPIRED'))
  assert.ok(s.hosted.offer.secret.every(b => b === 0))

  let dialled = false
  const dialer = { open: async () => { dialled = true; throw new Error('not reached') } }
  const stale = offerOf(setup().hosted)
  await assert.rejects(joinWithOffer({ dialer, peerId: PEER_B, log: new MemoryLog(), now: () => stale.expiresAt }, stale, { deviceName: 'B', onSafetyNumber: () => {} }), is('PAIRING_OFFER_EXPIRED'))
  assert.equal(dialled, false)
  assert.ok(stale.secret.every(b => b === 0), "B wiped its copy of the secret")
})

test('tampered key message: a changed sealed vault key or a swapped ephemeral key is PAIRING_MESSAGE_TAMPERED on B', async () => {
  const sealed = setup()
  const gift = await run(sealed, offerOf(sealed.hosted), {
    toB: (m, i) => i === 1 && typeof m.sealed === 'string' ? { ...m, sealed: flipBit(m.sealed, fromBase64Url, toBase64Url) } : m
  })
  assert.ok(isCairnError(gift.result, 'PAIRING_MESSAGE_TAMPERED'), String(gift.result))
  await assert.rejects(sealed.hosted.done, is('PAIRING_MESSAGE_TAMPERED'), 'B tells A')

  const swapped = setup()
  const reply = await run(swapped, offerOf(swapped.hosted), {
    toB: (m, i) => i === 0 && m.ok === true ? { ...m, key: toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32))) } : m
  })
  assert.ok(isCairnError(reply.result, 'PAIRING_MESSAGE_TAMPERED'), String(reply.result))
})

test('declined on A: PAIRING_DECLINED on B, and no key was sent', async () => {
  const s = setup(false)
  const sent: unknown[] = []
  const { result, safetyB } = await run(s, offerOf(s.hosted), { toB: (m) => { sent.push(m); return m } })
  assert.ok(isCairnError(result, 'PAIRING_DECLINED'), String(result))
  assert.equal(typeof safetyB, 'string', 'B saw the safety number first')
  assert.ok(!sent.some(m => typeof (m as Record<string, unknown>).sealed === 'string'))
  await assert.rejects(s.hosted.done, is('PAIRING_DECLINED'))
})

test('a withdrawn (cancelled) offer is refused as declined; an unknown offer as invalid', async () => {
  const s = setup()
  const offer = offerOf(s.hosted)
  s.hosted.cancel()
  assert.ok(isCairnError((await run(s, offer)).result, 'PAIRING_DECLINED'))
  const other = offerOf(setup().hosted)
  assert.ok(isCairnError((await run(s, other)).result, 'PAIRING_OFFER_INVALID'))
})

test('B gone while A decides: A learns PEER_UNREACHABLE, B PEER_UNREACHABLE, nothing sent', async () => {
  let close = (): void => {}
  const s = setup(async () => { close(); return true })
  const wire = channelPair()
  close = wire.close
  const answering = s.host.answer(wire.a, PEER_B)
  const result = await joinOverChannel(wire.b, PEER_B, offerOf(s.hosted), { deviceName: 'B', onSafetyNumber: () => {} }).catch((err: Error) => err)
  await answering
  assert.ok(isCairnError(result, 'PEER_UNREACHABLE'), String(result))
  await assert.rejects(s.hosted.done, is('PEER_UNREACHABLE'))
})

test('B leaves while A\'s user compares: the question is withdrawn (its signal aborts) and A learns why without answering', async () => {
  const s = setup(async () => await new Promise<boolean>(() => {})) // A's user never answers
  const wire = channelPair()
  const answering = s.host.answer(wire.a, PEER_B)
  const result = await joinOverChannel(wire.b, PEER_B, offerOf(s.hosted), { deviceName: 'B', onSafetyNumber: () => { wire.close() } }).catch((err: Error) => err)
  await answering
  assert.ok(isCairnError(result, 'PEER_UNREACHABLE'), String(result))
  await assert.rejects(s.hosted.done, is('PEER_UNREACHABLE'))
  assert.equal((s.requests[0] as PairingRequest).signal.aborted, true, 'the request on A\'s screen was withdrawn')
})

test('B refuses while A\'s user compares (it cancelled): A hears B\'s reason at once', async () => {
  const s = setup(async () => await new Promise<boolean>(() => {}))
  const wire = channelPair()
  const answering = s.host.answer(wire.a, PEER_B)
  const joining = joinOverChannel(wire.b, PEER_B, offerOf(s.hosted), { deviceName: 'B', onSafetyNumber: () => { void wire.b.write({ ok: false, error: { code: 'ABORTED', message: 'joining cancelled' } }) } }).catch((err: Error) => err)
  await assert.rejects(s.hosted.done, is('ABORTED'))
  await answering
  wire.close()
  await joining
  assert.equal((s.requests[0] as PairingRequest).signal.aborted, true)
})

test('a man in the middle with a copied link runs two sessions, and the two screens show different safety numbers', async () => {
  const s = setup()
  const stolen = offerOf(s.hosted)
  // M made B open M's own offer (a swapped link), and presents A's copied offer to A itself.
  const mitm = new PairingHost({ registrar: { handle: async () => {}, unhandle: async () => {} }, peerId: PEER_M, addresses: () => ['/ip4/10.0.0.9/tcp/1/ws'], log: new MemoryLog() })
  let shownOnB: string | undefined
  const towardB = mitm.createOffer({ confirm: async () => true, gift: () => ({ vaultKey: new Uint8Array(32), details: {} }) })
  const toA = await run(s, stolen, { joiner: PEER_M })
  assert.ok(!(toA.result instanceof Error))
  const wire = channelPair()
  const answering = mitm.answer(wire.a, PEER_B)
  await joinOverChannel(wire.b, PEER_B, decodeOfferLink(towardB.link(ORIGIN)), { deviceName: 'B', onSafetyNumber: (n) => { shownOnB = n } })
  await answering
  const shownOnA = (s.requests[0] as PairingRequest).safetyNumber
  assert.equal(typeof shownOnB, 'string')
  assert.notEqual(shownOnA, shownOnB, "comparing the screens exposes M (A's user then declines)")
  assert.equal((s.requests[0] as PairingRequest).peer, PEER_M, "and A's request names M's PeerId, not B's")
})

test('the transcript binds the PeerId Noise authenticated: a joiner seen under another PeerId fails the MAC', async () => {
  const s = setup()
  const wire = channelPair()
  const answering = s.host.answer(wire.a, PEER_M) // A sees the stream come from M …
  const result = await joinOverChannel(wire.b, PEER_B, offerOf(s.hosted), { deviceName: 'B', onSafetyNumber: () => {} }).catch((err: Error) => err)
  wire.close()
  await answering
  assert.ok(isCairnError(result, 'PAIRING_SECRET_WRONG'), String(result)) // … while B computed its MAC as B
  assert.equal(s.requests.length, 0)
})
