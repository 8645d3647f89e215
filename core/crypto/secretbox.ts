import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { CairnError, InvalidArgumentError, type ErrorCode } from '../errors.ts'

/**
 * Small secrets (wrapped keys, index records): XChaCha20-Poly1305 with a random
 * 24-byte nonce (DESIGN §4). Sealed form: version(1) ‖ nonce(24) ‖ ciphertext+tag.
 */
export const SECRETBOX_VERSION = 1
const NONCE_LENGTH = 24
const TAG_LENGTH = 16
export const SECRETBOX_OVERHEAD = 1 + NONCE_LENGTH + TAG_LENGTH

/** Encrypts `plaintext` under a 32-byte key; `aad` is authenticated, not stored. */
export function sealSecret (key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, nonce: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_LENGTH))): Uint8Array {
  if (nonce.length !== NONCE_LENGTH) throw new InvalidArgumentError('secretbox nonce must be 24 bytes')
  const ciphertext = xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  const out = new Uint8Array(1 + NONCE_LENGTH + ciphertext.length)
  out[0] = SECRETBOX_VERSION
  out.set(nonce, 1)
  out.set(ciphertext, 1 + NONCE_LENGTH)
  return out
}

/**
 * Opens a sealed secret. Any failure (wrong key, tampering, truncation, unknown
 * version) throws a CairnError with `failureCode`, because callers know what a
 * failure means in their context (WRONG_PASSPHRASE, INDEX_RECORD_TAMPERED, …).
 */
export function openSecret (key: Uint8Array, sealed: Uint8Array, aad: Uint8Array, failureCode: ErrorCode): Uint8Array {
  if (sealed.length < SECRETBOX_OVERHEAD) throw new CairnError(failureCode, 'sealed data is truncated')
  if (sealed[0] !== SECRETBOX_VERSION) throw new CairnError(failureCode, `unknown sealed-data version ${String(sealed[0])}`)
  const nonce = sealed.subarray(1, 1 + NONCE_LENGTH)
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed.subarray(1 + NONCE_LENGTH))
  } catch (err) {
    throw new CairnError(failureCode, 'sealed data failed authentication', { cause: err })
  }
}
