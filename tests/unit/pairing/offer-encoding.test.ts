import assert from 'node:assert/strict'
import { test } from 'node:test'
import { toBase64Url } from '../../../core/crypto/base64.ts'
import { isCairnError } from '../../../core/errors.ts'
import { checkOfferFresh, createOffer, decodeOffer, decodeOfferLink, encodeOffer, offerLink, type PairingOffer } from '../../../core/protocols/pairing/offer.ts'
import { dammDigit, formatShortCode, generateShortCode, parseShortCode, shortCodeOf } from '../../../core/protocols/pairing/short-code.ts'
import { ORIGIN, PEER_A, PEER_B, TestClock } from './support.ts'

const code = (c: string) => (err: unknown) => isCairnError(err, c as never)

const FIXED: PairingOffer = {
  version: 1,
  id: Uint8Array.from({ length: 16 }, (_, i) => i),
  peer: PEER_A,
  addresses: [`/ip4/127.0.0.1/tcp/4001/ws/p2p/${PEER_A}`, `/dns4/relay.example/tcp/443/wss/p2p/${PEER_B}/p2p-circuit/p2p/${PEER_A}`],
  secret: new Uint8Array(32).fill(0x42),
  expiresAt: 1_800_000_600_000
}
const FIXED_JSON = `{"v":1,"id":"AAECAwQFBgcICQoLDA0ODw","peer":"${PEER_A}","addrs":["/ip4/127.0.0.1/tcp/4001/ws/p2p/${PEER_A}","/dns4/relay.example/tcp/443/wss/p2p/${PEER_B}/p2p-circuit/p2p/${PEER_A}"],"secret":"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI","exp":1800000600000}`

test('offer vector: fixed offer → fixed base64url JSON, link and back', () => {
  const text = encodeOffer(FIXED)
  assert.equal(text, toBase64Url(new TextEncoder().encode(FIXED_JSON)))
  assert.equal(offerLink(FIXED, `${ORIGIN}/`), `${ORIGIN}/#/join?offer=${text}`)
  assert.deepEqual(decodeOfferLink(`  ${ORIGIN}/#/join?offer=${text}\n`), FIXED)
  assert.deepEqual(decodeOffer(text), FIXED)
})

test('createOffer: random id and 256-bit secret, addresses end in /p2p/<A> (relay circuits too), 10-minute expiry', () => {
  const clock = new TestClock()
  const offer = createOffer({ peer: PEER_A, addresses: ['/ip4/10.0.0.1/tcp/1/ws', `/ip4/1.2.3.4/tcp/443/wss/p2p/${PEER_B}/p2p-circuit`, `/ip4/9.9.9.9/tcp/1/p2p/${PEER_B}`], now: clock.now })
  assert.deepEqual(offer.addresses, [`/ip4/10.0.0.1/tcp/1/ws/p2p/${PEER_A}`, `/ip4/1.2.3.4/tcp/443/wss/p2p/${PEER_B}/p2p-circuit/p2p/${PEER_A}`])
  assert.equal(offer.secret.length, 32)
  assert.equal(offer.expiresAt, clock.ms + 600_000)
  assert.notDeepEqual(offer.id, createOffer({ peer: PEER_A, addresses: ['/ip4/10.0.0.1/tcp/1/ws'], now: clock.now }).id)
  checkOfferFresh(offer, clock.ms + 599_999)
  assert.throws(() => { checkOfferFresh(offer, clock.ms + 600_000) }, code('PAIRING_OFFER_EXPIRED'))
})

test('decoding is strict: malformed or foreign links are PAIRING_OFFER_INVALID, another version PAIRING_OFFER_VERSION', () => {
  const json = (value: unknown) => `${ORIGIN}/#/join?offer=${toBase64Url(new TextEncoder().encode(JSON.stringify(value)))}`
  const good = JSON.parse(FIXED_JSON) as Record<string, unknown>
  const invalid = [
    'not a link',
    `${ORIGIN}/#/s/${encodeOffer(FIXED)}`, // a share link
    `ftp://cairn.example/#/join?offer=${encodeOffer(FIXED)}`,
    `${ORIGIN}/#/join?offer=${encodeOffer(FIXED)}&x=1`,
    `${ORIGIN}/#/join?offer=${encodeOffer(FIXED).slice(0, -5)}`, // cut short
    `${ORIGIN}/#/join?offer=${encodeOffer(FIXED)}=`, // not canonical
    json({ ...good, extra: 1 }),
    json({ ...good, secret: toBase64Url(new Uint8Array(8)) }),
    json({ ...good, peer: 'not-a-peer' }),
    json({ ...good, addrs: [`/ip4/1.2.3.4/tcp/1/p2p/${PEER_B}`] }), // names another peer
    json({ ...good, addrs: [] }),
    json({ ...good, v: undefined })
  ]
  for (const link of invalid) assert.throws(() => decodeOfferLink(link), code('PAIRING_OFFER_INVALID'), link)
  assert.throws(() => decodeOfferLink(`${ORIGIN}/#/join?offer=${encodeOffer(FIXED)}`, { origin: 'https://other.example' }), code('PAIRING_OFFER_INVALID'))
  assert.throws(() => decodeOfferLink(json({ ...good, v: 2 })), code('PAIRING_OFFER_VERSION'))
})

test('short code vector: Damm check digit (572 → 4), 12 digits shown 4-4-4', () => {
  assert.equal(dammDigit('572'), 4)
  assert.equal(dammDigit('5724'), 0)
  // Worked by hand through Damm's table: 0→5→8→3→7→8→5→4→9→3→8→4.
  const c = shortCodeOf('48210', '937551')
  assert.deepEqual(c, { lookupId: '48210', secret: '937551', digits: '482109375514' })
  assert.equal(formatShortCode(c), '4821-0937-5514')
  assert.deepEqual(parseShortCode(` ${formatShortCode(c)} `), c)
  assert.deepEqual(parseShortCode(c.digits.replace(/(\d{3})/g, '$1 ')), c)
  assert.match(formatShortCode(generateShortCode()), /^\d{4}-\d{4}-\d{4}$/)
})

test('a mistyped code is caught locally: every single-digit typo and adjacent swap', () => {
  const c = generateShortCode()
  for (let i = 0; i < 12; i++) {
    for (let d = 0; d <= 9; d++) {
      const typo = c.digits.slice(0, i) + String(d) + c.digits.slice(i + 1)
      if (typo !== c.digits) assert.throws(() => parseShortCode(typo), code('PAIRING_CODE_MISTYPED'), typo)
    }
    if (i < 11 && c.digits[i] !== c.digits[i + 1]) {
      const swapped = c.digits.slice(0, i) + (c.digits[i + 1] as string) + (c.digits[i] as string) + c.digits.slice(i + 2)
      assert.throws(() => parseShortCode(swapped), code('PAIRING_CODE_MISTYPED'), swapped)
    }
  }
  for (const bad of ['', '1234-5678-901', '1234-5678-90123', 'abcd-efgh-ijkl']) assert.throws(() => parseShortCode(bad), code('PAIRING_CODE_MISTYPED'))
})
