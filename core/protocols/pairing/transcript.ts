import { equalBytes } from '@noble/ciphers/utils.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { PairingMessageTamperedError } from '../../errors.ts'

/**
 * The key schedule of `/cairn/pair/1` (all primitives from noble).
 *
 *     T1 = "cairn/v1/pair/transcript" ‖ lp(offer id) ‖ lp(A's PeerId) ‖ lp(B's PeerId)
 *          ‖ lp(B's device name) ‖ lp(B's ephemeral X25519 key)
 *     T  = T1 ‖ lp(A's ephemeral X25519 key)              lp(x) = u32be(len x) ‖ x
 *     mac key     = HKDF-SHA256(ikm = pairing secret, salt = offer id, info = "cairn/v1/pair/mac")
 *     hello MAC   = HMAC-SHA256(mac key, "cairn/v1/pair/hello" ‖ T1)     (B → A)
 *     reply MAC   = HMAC-SHA256(mac key, "cairn/v1/pair/reply" ‖ T)      (A → B)
 *     th          = SHA-256(T)
 *     seal key    = HKDF-SHA256(ikm = X25519(ephemerals), salt = pairing secret, info = "cairn/v1/pair/session" ‖ th)
 *     confirm key = HKDF-SHA256(same ikm and salt, info = "cairn/v1/pair/confirm" ‖ th)
 *     safety      = SHA-256("cairn/v1/pair/safety" ‖ th): four 5-byte slices, each
 *                   big-endian mod 100000, as 5 digits (Signal's safety-number digits)
 *
 * PeerIds are the ones libp2p's Noise handshake authenticated, so a relay or
 * anyone else in the path who does not hold the pairing secret cannot make a
 * valid MAC, and anyone who does (a copied link) but swaps ephemeral keys ends
 * with a different th on each side, so the two screens show different numbers.
 */
export interface Transcript {
  offerId: Uint8Array
  /** A's PeerId (the offering device). */
  offerer: string
  /** B's PeerId (the joining device). */
  joiner: string
  /** B's device name, as B announced it. */
  joinerName: string
  /** B's ephemeral X25519 public key. */
  joinerKey: Uint8Array
  /** A's ephemeral X25519 public key (absent in T1). */
  offererKey?: Uint8Array
}

const encoder = new TextEncoder()
const LABEL = {
  transcript: encoder.encode('cairn/v1/pair/transcript'),
  mac: encoder.encode('cairn/v1/pair/mac'),
  hello: encoder.encode('cairn/v1/pair/hello'),
  reply: encoder.encode('cairn/v1/pair/reply'),
  session: encoder.encode('cairn/v1/pair/session'),
  confirm: encoder.encode('cairn/v1/pair/confirm'),
  safety: encoder.encode('cairn/v1/pair/safety')
}
export const X25519_KEY_BYTES = 32

function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const part of parts) { out.set(part, off); off += part.length }
  return out
}

function lengthPrefixed (bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length)
  new DataView(out.buffer).setUint32(0, bytes.length)
  out.set(bytes, 4)
  return out
}

/** T1 (without A's key) or T (with it). */
export function transcriptBytes (t: Transcript): Uint8Array {
  const parts = [LABEL.transcript, t.offerId, encoder.encode(t.offerer), encoder.encode(t.joiner), encoder.encode(t.joinerName), t.joinerKey]
  if (t.offererKey !== undefined) parts.push(t.offererKey)
  return concat(...parts.map((p, i) => i === 0 ? p : lengthPrefixed(p)))
}

/** The MAC key of an offer's secret. */
export function deriveMacKey (secret: Uint8Array, offerId: Uint8Array): Uint8Array {
  return hkdf(sha256, secret, offerId, LABEL.mac, 32)
}

/** B's hello MAC over T1. */
export function helloMac (macKey: Uint8Array, t: Transcript): Uint8Array {
  return hmac(sha256, macKey, concat(LABEL.hello, transcriptBytes({ ...t, offererKey: undefined })))
}

/** A's reply MAC over T. */
export function replyMac (macKey: Uint8Array, t: Transcript): Uint8Array {
  if (t.offererKey === undefined) throw new TypeError('the reply MAC covers both keys')
  return hmac(sha256, macKey, concat(LABEL.reply, transcriptBytes(t)))
}

/** Constant-time comparison of a received MAC. */
export function macMatches (expected: Uint8Array, received: Uint8Array): boolean {
  return expected.length === received.length && equalBytes(expected, received)
}

/** th = SHA-256(T). */
export function transcriptHash (t: Transcript): Uint8Array {
  if (t.offererKey === undefined) throw new TypeError('the transcript hash covers both keys')
  return sha256(transcriptBytes(t))
}

/** Four groups of five digits, e.g. `05173 88201 43920 11876`. */
export function safetyNumber (th: Uint8Array): string {
  const digest = sha256(concat(LABEL.safety, th))
  const groups: string[] = []
  for (let g = 0; g < 4; g++) {
    let value = 0
    // 5 bytes = 40 bits, exact in a double; mod 10^5 is as Signal does it.
    for (let i = 0; i < 5; i++) value = value * 256 + (digest[g * 5 + i] as number)
    groups.push(String(value % 100_000).padStart(5, '0'))
  }
  return groups.join(' ')
}

export interface SessionKeys {
  /** Seals the vault key A sends (XChaCha20-Poly1305). */
  sealKey: Uint8Array
  /** B's MAC over th proving it opened what A sent. */
  confirmKey: Uint8Array
}

/** The session keys from the X25519 shared secret, salted by the pairing secret, bound to th. */
export function deriveSessionKeys (shared: Uint8Array, secret: Uint8Array, th: Uint8Array): SessionKeys {
  return {
    sealKey: hkdf(sha256, shared, secret, concat(LABEL.session, th), 32),
    confirmKey: hkdf(sha256, shared, secret, concat(LABEL.confirm, th), 32)
  }
}

/** B's key confirmation: HMAC(confirm key, th). */
export function confirmMac (confirmKey: Uint8Array, th: Uint8Array): Uint8Array {
  return hmac(sha256, confirmKey, th)
}

export interface EphemeralKey {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

/** A fresh X25519 key pair for one exchange. */
export function newEphemeralKey (): EphemeralKey {
  const secretKey = x25519.utils.randomSecretKey()
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) }
}

/** X25519; a malformed or low-order public key is a tampered message. */
export function sharedSecret (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== X25519_KEY_BYTES) throw new PairingMessageTamperedError('an ephemeral key has the wrong length')
  let shared: Uint8Array
  try {
    shared = x25519.getSharedSecret(secretKey, publicKey)
  } catch (err) {
    throw new PairingMessageTamperedError('an ephemeral key is not a usable X25519 key', { cause: err })
  }
  if (shared.every(b => b === 0)) throw new PairingMessageTamperedError('an ephemeral key is of low order')
  return shared
}

/** Zeroes secrets once used. */
export function wipe (...secrets: Array<Uint8Array | undefined>): void {
  for (const secret of secrets) secret?.fill(0)
}
