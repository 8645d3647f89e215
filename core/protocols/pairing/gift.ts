import { openSecret, sealSecret } from '../../crypto/secretbox.ts'
import { PairingMessageTamperedError, isCairnError } from '../../errors.ts'
import * as C from './constants.ts'

/**
 * What A hands B once its user confirmed: the vault key and whatever the
 * caller adds (e.g. vault id, A's device name, the backup peer list), sealed
 * with XChaCha20-Poly1305 (core/crypto/secretbox.ts) under the session's seal
 * key, associated data `cairn/v1/pair/gift` ‖ th. Plaintext:
 * vault key (32) ‖ UTF-8 JSON of `details` (an object).
 */
export interface PairingGift {
  /** The vault key (32 bytes). */
  vaultKey: Uint8Array
  /** A JSON object; at most MAX_GIFT_DETAILS_BYTES encoded. */
  details: Record<string, unknown>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const AAD_LABEL = encoder.encode('cairn/v1/pair/gift')

function aad (th: Uint8Array): Uint8Array {
  const out = new Uint8Array(AAD_LABEL.length + th.length)
  out.set(AAD_LABEL)
  out.set(th, AAD_LABEL.length)
  return out
}

/** Seals a gift; the plaintext copy of the key is wiped (the gift's own bytes stay the caller's). */
export function sealGift (sealKey: Uint8Array, th: Uint8Array, gift: PairingGift): Uint8Array {
  if (gift.vaultKey.length !== C.VAULT_KEY_BYTES) throw new TypeError('the vault key must be 32 bytes')
  const details = encoder.encode(JSON.stringify(gift.details))
  if (details.length > C.MAX_GIFT_DETAILS_BYTES) throw new RangeError('the pairing details are too large')
  const plaintext = new Uint8Array(C.VAULT_KEY_BYTES + details.length)
  plaintext.set(gift.vaultKey)
  plaintext.set(details, C.VAULT_KEY_BYTES)
  try {
    return sealSecret(sealKey, plaintext, aad(th))
  } finally {
    plaintext.fill(0)
  }
}

/** Opens a gift; any failure is PAIRING_MESSAGE_TAMPERED. */
export function openGift (sealKey: Uint8Array, th: Uint8Array, sealed: Uint8Array): PairingGift {
  let plaintext: Uint8Array
  try {
    plaintext = openSecret(sealKey, sealed, aad(th), 'PAIRING_MESSAGE_TAMPERED')
  } catch (err) {
    if (isCairnError(err, 'PAIRING_MESSAGE_TAMPERED')) throw new PairingMessageTamperedError('the sealed vault key failed authentication', { cause: err })
    throw err
  }
  try {
    if (plaintext.length < C.VAULT_KEY_BYTES) throw new PairingMessageTamperedError('the sealed vault key is too short')
    let details: unknown
    try {
      details = JSON.parse(decoder.decode(plaintext.subarray(C.VAULT_KEY_BYTES)))
    } catch (err) {
      throw new PairingMessageTamperedError('the pairing details are not JSON', { cause: err })
    }
    if (typeof details !== 'object' || details === null || Array.isArray(details)) throw new PairingMessageTamperedError('the pairing details are not an object')
    return { vaultKey: plaintext.slice(0, C.VAULT_KEY_BYTES), details: details as Record<string, unknown> }
  } finally {
    plaintext.fill(0)
  }
}
