import { sha256 } from '@noble/hashes/sha2.js'
import { derivePassphraseKey } from '../../crypto/passphrase-kdf.ts'
import { openSecret, sealSecret } from '../../crypto/secretbox.ts'
import { CairnError, PairingCodeUnknownError, PairingSecretWrongError } from '../../errors.ts'
import { offerBytes, parseOfferBytes, type PairingOffer } from './offer.ts'
import { generateShortCode, parseShortCode, type ShortCode } from './short-code.ts'

/**
 * The short-code rendezvous. A 12-digit code cannot carry an offer, so A
 * seals the offer under the code's 6-digit secret and publishes it under the
 * code's 5-digit lookup id to a directory both devices can reach (A's relay,
 * `/cairn/rendezvous/1`, see rendezvous.ts); B looks it up and opens it.
 *
 * What guards the low-entropy secret: the sealing key is Argon2id (19 MiB,
 * 2 passes, OWASP's floor) of the secret, salted by the lookup id, so trying
 * all 10^6 secrets against one sealed offer costs days of CPU, while the offer
 * lives 10 minutes; the directory hands an entry out only a few times; and a
 * successful guess yields only the offer, whose use A's user still has to
 * confirm against the safety number shown on B. The link and QR code carry
 * the offer itself and need no directory.
 */
export interface OfferDirectory {
  /**
   * Keeps `sealed` under `lookupId` until `expiresAt` (ms since the epoch);
   * false when the id is taken or the directory is full. A shared directory
   * is told `from` and may refuse a source that holds its share (PAIRING_CODE_LIMIT).
   */
  publish: (lookupId: string, sealed: Uint8Array, expiresAt: number, from?: OfferSource) => Promise<boolean>
  /** The sealed offer, or undefined (unknown, expired, or handed out too often); a shared directory may refuse a source that asks too often (PAIRING_LOOKUP_LIMIT). */
  lookup: (lookupId: string, from?: OfferSource) => Promise<Uint8Array | undefined>
}

/** Who asks a shared directory (a relay's): what its limits count by. */
export interface OfferSource {
  /** The PeerId Noise authenticated. */
  peer: string
  /** The key per-IP limits count under (IPv6: the /64); absent when the peer's IP is not known, as through a circuit. */
  ipKey?: string
}

const encoder = new TextEncoder()
const CODE_LABEL = encoder.encode('cairn/v1/pair/code')
/** Argon2id cost of a code: OWASP's floor, within passphrase-kdf's bounds. */
const CODE_KDF = { memoryKiB: 19 * 1024, iterations: 2, parallelism: 1 }

function withLabel (lookupId: string): Uint8Array {
  const id = encoder.encode(lookupId)
  const out = new Uint8Array(CODE_LABEL.length + id.length)
  out.set(CODE_LABEL)
  out.set(id, CODE_LABEL.length)
  return out
}

/** The key a code's secret seals its offer under. */
async function codeKey (code: ShortCode): Promise<Uint8Array> {
  const salt = sha256(withLabel(code.lookupId)).slice(0, 16)
  return await derivePassphraseKey(code.secret, { ...CODE_KDF, salt })
}

/** The offer sealed under `code` (XChaCha20-Poly1305; associated data: label ‖ lookup id). */
export async function sealOfferForCode (offer: PairingOffer, code: ShortCode): Promise<Uint8Array> {
  const key = await codeKey(code)
  const plaintext = offerBytes(offer)
  try {
    return sealSecret(key, plaintext, withLabel(code.lookupId))
  } finally {
    key.fill(0)
    plaintext.fill(0)
  }
}

/** Opens what `sealOfferForCode` made; a wrong code is PAIRING_SECRET_WRONG. */
export async function openOfferWithCode (sealed: Uint8Array, code: ShortCode): Promise<PairingOffer> {
  const key = await codeKey(code)
  let plaintext: Uint8Array
  try {
    plaintext = openSecret(key, sealed, withLabel(code.lookupId), 'PAIRING_SECRET_WRONG')
  } catch (err) {
    throw new PairingSecretWrongError('the code does not open the offer stored under it', { cause: err })
  } finally {
    key.fill(0)
  }
  try {
    return parseOfferBytes(plaintext)
  } finally {
    plaintext.fill(0)
  }
}

/** Publishes `offer` under a fresh code (a taken lookup id is retried with another; PAIRING_CODE_LIMIT is not); returns the code to show. */
export async function publishOfferCode (directory: OfferDirectory, offer: PairingOffer, attempts = 5): Promise<ShortCode> {
  for (let i = 0; i < attempts; i++) {
    const code = generateShortCode()
    if (await directory.publish(code.lookupId, await sealOfferForCode(offer, code), offer.expiresAt)) return code
  }
  throw new CairnError('PEER_UNREACHABLE', 'the rendezvous would not take the offer; use the link or QR code')
}

/** The offer behind a typed code: PAIRING_CODE_MISTYPED (locally), PAIRING_CODE_UNKNOWN or PAIRING_SECRET_WRONG. */
export async function resolveOfferCode (directory: OfferDirectory, typed: string): Promise<PairingOffer> {
  const code = parseShortCode(typed)
  const sealed = await directory.lookup(code.lookupId)
  if (sealed === undefined) throw new PairingCodeUnknownError()
  return await openOfferWithCode(sealed, code)
}
