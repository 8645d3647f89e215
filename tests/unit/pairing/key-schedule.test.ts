import assert from 'node:assert/strict'
import { createHash, createHmac, hkdfSync } from 'node:crypto'
import { test } from 'node:test'
import { x25519 } from '@noble/curves/ed25519.js'
import { isCairnError } from '../../../core/errors.ts'
import * as T from '../../../core/protocols/pairing/transcript.ts'
import { PEER_A, PEER_B, PEER_M } from './support.ts'

// Fixed inputs: X25519 secret keys 0x01… and 0x02…, offer id 0..15, secret 0x42….
const skB = new Uint8Array(32).fill(1)
const skA = new Uint8Array(32).fill(2)
const FIXED: T.Transcript = {
  offerId: Uint8Array.from({ length: 16 }, (_, i) => i),
  offerer: PEER_A,
  joiner: PEER_B,
  joinerName: 'Firefox on Android',
  joinerKey: x25519.getPublicKey(skB),
  offererKey: x25519.getPublicKey(skA)
}
const SECRET = new Uint8Array(32).fill(0x42)

/** The documented schedule, rebuilt with node:crypto as a second implementation. */
function reference (t: T.Transcript): { th: Buffer, safety: string } {
  const lp = (b: Uint8Array) => { const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]) }
  const enc = (s: string) => Buffer.from(s, 'utf8')
  const bytes = Buffer.concat([enc('cairn/v1/pair/transcript'), lp(t.offerId), lp(enc(t.offerer)), lp(enc(t.joiner)), lp(enc(t.joinerName)), lp(t.joinerKey), lp(t.offererKey as Uint8Array)])
  const th = createHash('sha256').update(bytes).digest()
  const digest = createHash('sha256').update(Buffer.concat([enc('cairn/v1/pair/safety'), th])).digest()
  const groups = [0, 1, 2, 3].map(g => String(Number(digest.readUIntBE(g * 5, 5) % 100_000)).padStart(5, '0'))
  return { th, safety: groups.join(' ') }
}

test('safety number vector: fixed transcript → fixed digits, as a second implementation computes them', () => {
  const th = T.transcriptHash(FIXED)
  const ref = reference(FIXED)
  assert.deepEqual(Buffer.from(th), ref.th)
  assert.equal(T.safetyNumber(th), ref.safety)
  assert.equal(T.safetyNumber(th), '24285 50985 83219 87764')
  assert.match(T.safetyNumber(th), /^\d{5} \d{5} \d{5} \d{5}$/)
})

test('MACs and session keys follow the documented schedule', () => {
  const enc = (s: string) => Buffer.from(s, 'utf8')
  const macKey = T.deriveMacKey(SECRET, FIXED.offerId)
  assert.deepEqual(Buffer.from(macKey), Buffer.from(hkdfSync('sha256', SECRET, FIXED.offerId, enc('cairn/v1/pair/mac'), 32)))
  const t1 = T.transcriptBytes({ ...FIXED, offererKey: undefined })
  assert.deepEqual(Buffer.from(T.helloMac(macKey, FIXED)), createHmac('sha256', macKey).update(Buffer.concat([enc('cairn/v1/pair/hello'), t1])).digest())
  assert.deepEqual(Buffer.from(T.replyMac(macKey, FIXED)), createHmac('sha256', macKey).update(Buffer.concat([enc('cairn/v1/pair/reply'), T.transcriptBytes(FIXED)])).digest())
  const shared = T.sharedSecret(skA, FIXED.joinerKey)
  assert.deepEqual(shared, T.sharedSecret(skB, FIXED.offererKey as Uint8Array), 'both sides agree')
  const th = T.transcriptHash(FIXED)
  const keys = T.deriveSessionKeys(shared, SECRET, th)
  assert.deepEqual(Buffer.from(keys.sealKey), Buffer.from(hkdfSync('sha256', shared, SECRET, Buffer.concat([enc('cairn/v1/pair/session'), th]), 32)))
  assert.notDeepEqual(keys.sealKey, keys.confirmKey)
})

test('a man in the middle (own ephemeral keys, or another PeerId) gives different safety numbers on each side', () => {
  const honest = T.safetyNumber(T.transcriptHash(FIXED))
  const mB = T.newEphemeralKey()
  const mA = T.newEphemeralKey()
  // B's session runs with M's key as "A's", A's session with M's key as "B's".
  const seenByB = T.safetyNumber(T.transcriptHash({ ...FIXED, offererKey: mA.publicKey }))
  const seenByA = T.safetyNumber(T.transcriptHash({ ...FIXED, joinerKey: mB.publicKey }))
  assert.notEqual(seenByA, seenByB)
  assert.notEqual(seenByA, honest)
  assert.notEqual(seenByB, honest)
  assert.notEqual(T.safetyNumber(T.transcriptHash({ ...FIXED, joiner: PEER_M })), honest)
  assert.notEqual(T.safetyNumber(T.transcriptHash({ ...FIXED, joinerName: 'Chrome on Linux' })), honest)
})

test('a low-order or malformed ephemeral key is a tampered message', () => {
  assert.throws(() => T.sharedSecret(skA, new Uint8Array(32)), (err: unknown) => isCairnError(err, 'PAIRING_MESSAGE_TAMPERED'))
  assert.throws(() => T.sharedSecret(skA, new Uint8Array(31)), (err: unknown) => isCairnError(err, 'PAIRING_MESSAGE_TAMPERED'))
})
