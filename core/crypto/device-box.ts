import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CairnError, InvalidArgumentError } from '../errors.ts'
import { openSecret, sealSecret } from './secretbox.ts'

/**
 * A device's "box" key (DESIGN §3 "Devices"): an X25519 key pair whose
 * public half is in the device's record in the device book, so another
 * device can seal a secret (a rotated vault key) that only this device
 * opens. Sealing is ECIES-like: an ephemeral X25519 key, HKDF-SHA256 of the
 * shared secret (salt: both public keys) and XChaCha20-Poly1305
 * (secretbox.ts), every primitive from @noble. Sealed form:
 * version(1) ‖ ephemeral public key(32) ‖ secretbox.
 */
export interface BoxKeyPair {
  secretKey: Uint8Array
  publicKey: Uint8Array
}

export const BOX_VERSION = 1
export const BOX_KEY_BYTES = 32
const INFO = new TextEncoder().encode('cairn/v1/device-box')
const encoder = new TextEncoder()

export function newBoxKeyPair (): BoxKeyPair {
  const secretKey = x25519.utils.randomSecretKey()
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) }
}

/** The public half of a secret box key. */
export function boxPublicKey (secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey)
}

function boxKey (shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const salt = new Uint8Array(2 * BOX_KEY_BYTES)
  salt.set(ephemeral, 0)
  salt.set(recipient, BOX_KEY_BYTES)
  return hkdf(sha256, shared, salt, INFO, 32)
}

function shared (secretKey: Uint8Array, publicKey: Uint8Array, code: 'HANDOVER_INVALID' | 'INVALID_ARGUMENT'): Uint8Array {
  if (publicKey.length !== BOX_KEY_BYTES) throw new CairnError(code, 'a box key is 32 bytes')
  let out: Uint8Array
  try {
    out = x25519.getSharedSecret(secretKey, publicKey)
  } catch (err) {
    throw new CairnError(code, 'not a usable X25519 key', { cause: err })
  }
  if (out.every(b => b === 0)) throw new CairnError(code, 'an X25519 key of low order')
  return out
}

/** Seals `plaintext` to the holder of `recipient`'s secret key; `context` is authenticated (who it is for, and why). */
export function sealToBox (recipient: Uint8Array, plaintext: Uint8Array, context: string): Uint8Array {
  if (recipient.length !== BOX_KEY_BYTES) throw new InvalidArgumentError('a box public key is 32 bytes')
  const ephemeral = newBoxKeyPair()
  const secret = shared(ephemeral.secretKey, recipient, 'INVALID_ARGUMENT')
  const key = boxKey(secret, ephemeral.publicKey, recipient)
  try {
    const sealed = sealSecret(key, plaintext, encoder.encode(context))
    const out = new Uint8Array(1 + BOX_KEY_BYTES + sealed.length)
    out[0] = BOX_VERSION
    out.set(ephemeral.publicKey, 1)
    out.set(sealed, 1 + BOX_KEY_BYTES)
    return out
  } finally {
    secret.fill(0)
    key.fill(0)
    ephemeral.secretKey.fill(0)
  }
}

/** Opens what `sealToBox` sealed to this key pair under the same `context`; anything else throws HANDOVER_INVALID. */
export function openFromBox (pair: BoxKeyPair, sealed: Uint8Array, context: string): Uint8Array {
  if (sealed.length < 1 + BOX_KEY_BYTES || sealed[0] !== BOX_VERSION) throw new CairnError('HANDOVER_INVALID', 'not a sealed box of a known version')
  const ephemeral = sealed.subarray(1, 1 + BOX_KEY_BYTES)
  const secret = shared(pair.secretKey, ephemeral, 'HANDOVER_INVALID')
  const key = boxKey(secret, ephemeral, pair.publicKey)
  try {
    return openSecret(key, sealed.subarray(1 + BOX_KEY_BYTES), encoder.encode(context), 'HANDOVER_INVALID')
  } finally {
    secret.fill(0)
    key.fill(0)
  }
}
