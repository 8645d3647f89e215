import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { createOffer } from '../../../core/protocols/pairing/offer.ts'
import { MemoryOfferDirectory } from '../../../core/protocols/pairing/memory-offer-directory.ts'
import { openOfferWithCode, publishOfferCode, resolveOfferCode, sealOfferForCode } from '../../../core/protocols/pairing/offer-directory.ts'
import { formatShortCode, shortCodeOf } from '../../../core/protocols/pairing/short-code.ts'
import { PEER_A, TestClock } from './support.ts'

const is = (code: ErrorCode) => (err: unknown) => isCairnError(err, code)

test('a typed short code finds and opens the offer; mistyped, unknown and wrong codes each have their own code', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now })
  const offer = createOffer({ peer: PEER_A, addresses: ['/ip4/127.0.0.1/tcp/4001/ws'], now: clock.now })
  const code = await publishOfferCode(directory, offer)
  const typed = formatShortCode(code)
  assert.match(typed, /^\d{4}-\d{4}-\d{4}$/)
  assert.deepEqual(await resolveOfferCode(directory, ` ${typed.replace(/-/g, ' ')} `), offer)

  const typo = typed.slice(0, -1) + String((Number(typed.at(-1)) + 1) % 10)
  await assert.rejects(resolveOfferCode(directory, typo), is('PAIRING_CODE_MISTYPED'))
  const otherId = code.lookupId === '00000' ? '00001' : '00000'
  await assert.rejects(resolveOfferCode(directory, shortCodeOf(otherId, code.secret).digits), is('PAIRING_CODE_UNKNOWN'))
  const otherSecret = String((Number(code.secret) + 1) % 1_000_000).padStart(6, '0')
  await assert.rejects(resolveOfferCode(directory, shortCodeOf(code.lookupId, otherSecret).digits), is('PAIRING_SECRET_WRONG'))
})

test('the directory is TTL-bounded (injected clock), hands an entry out a few times, refuses taken ids and is capped', async () => {
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now, maxEntries: 2, maxReads: 2 })
  const sealed = new Uint8Array([1, 2, 3])
  assert.equal(await directory.publish('11111', sealed, clock.ms + 60_000), true)
  assert.equal(await directory.publish('11111', sealed, clock.ms + 60_000), false, 'taken')
  assert.equal(await directory.publish('22222', sealed, clock.ms + 60 * 60_000), true)
  assert.equal(await directory.publish('33333', sealed, clock.ms + 60_000), false, 'full')
  assert.equal(await directory.publish('4444', sealed, clock.ms + 60_000), false, 'not a lookup id')
  assert.deepEqual(await directory.lookup('11111'), sealed)
  assert.deepEqual(await directory.lookup('11111'), sealed)
  assert.equal(await directory.lookup('11111'), undefined, 'handed out twice, then gone')
  clock.advance(15 * 60_000)
  assert.equal(await directory.lookup('22222'), undefined, 'an hour asked, 15 minutes kept')
  assert.equal(directory.size, 0)
})

test('a sealed offer reveals nothing without the code and opens only with it', async () => {
  const clock = new TestClock()
  const offer = createOffer({ peer: PEER_A, addresses: ['/ip4/127.0.0.1/tcp/4001/ws'], now: clock.now })
  const code = shortCodeOf('48210', '937551')
  const sealed = await sealOfferForCode(offer, code)
  assert.ok(!new TextDecoder().decode(sealed).includes(PEER_A))
  assert.deepEqual(await openOfferWithCode(sealed, code), offer)
  await assert.rejects(openOfferWithCode(sealed, shortCodeOf('48211', '937551')), is('PAIRING_SECRET_WRONG'), 'bound to its lookup id')
})

test('readJoinInput: a link or a typed code becomes a fresh offer; a stale one is refused before any dial', async () => {
  const { readJoinInput } = await import('../../../core/protocols/pairing/device-pairing.ts')
  const { offerLink } = await import('../../../core/protocols/pairing/offer.ts')
  const clock = new TestClock()
  const directory = new MemoryOfferDirectory({ now: clock.now })
  const offer = createOffer({ peer: PEER_A, addresses: ['/ip4/127.0.0.1/tcp/4001/ws'], now: clock.now })
  const link = offerLink(offer, 'https://cairn.example')
  assert.deepEqual(await readJoinInput(link, { now: clock.now }), offer)
  const typed = formatShortCode(await publishOfferCode(directory, offer))
  assert.deepEqual(await readJoinInput(typed, { now: clock.now, directory }), offer)
  await assert.rejects(readJoinInput(typed, { now: clock.now }), is('PAIRING_CODE_UNKNOWN'))
  await assert.rejects(readJoinInput(link, { now: clock.now, origin: 'https://elsewhere.example' }), is('PAIRING_OFFER_INVALID'))
  clock.advance(10 * 60_000)
  await assert.rejects(readJoinInput(link, { now: clock.now }), is('PAIRING_OFFER_EXPIRED'))
})
