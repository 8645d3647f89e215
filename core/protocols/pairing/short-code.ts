import { PairingCodeMistypedError } from '../../errors.ts'

/**
 * The short code a person types, e.g. `4821-0937-5512`: 12 decimal digits,
 *
 *     lookup id (5) ‖ code secret (6) ‖ check digit (1)
 *
 * 12 digits cannot carry a PeerId and addresses, so the code names an offer
 * sealed under the code secret and published to an `OfferDirectory` (a relay)
 * under the lookup id (see offer-directory.ts). The check digit is Damm's
 * (H. M. Damm, 2004): it catches every single-digit typo and every swap of
 * two adjacent digits, so most typos are refused locally, before any network use.
 */
export const SHORT_CODE_DIGITS = 12
export const LOOKUP_ID_DIGITS = 5
export const CODE_SECRET_DIGITS = 6

/** The parts of a short code. */
export interface ShortCode {
  /** Names the sealed offer in the directory (not secret). */
  lookupId: string
  /** Seals the offer (low entropy: 10^6; see offer-directory.ts for what guards it). */
  secret: string
  /** All 12 digits, no separators. */
  digits: string
}

// Damm's totally anti-symmetric quasigroup of order 10 (a check-digit table, not a cipher).
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]
] as const

/** The Damm interim digit of a string of digits: the check digit to append, or 0 when the string (check digit included) is valid. */
export function dammDigit (digits: string): number {
  let interim = 0
  for (const char of digits) interim = (DAMM[interim] as readonly number[])[char.charCodeAt(0) - 48] as number
  return interim
}

/** `count` uniformly random decimal digits. */
function randomDigits (count: number): string {
  let out = ''
  while (out.length < count) {
    for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(count))) {
      // 250 = 25 × 10: rejecting 250..255 keeps every digit equally likely.
      if (byte < 250 && out.length < count) out += String(byte % 10)
    }
  }
  return out
}

/** Builds a code from its parts (adds the check digit). */
export function shortCodeOf (lookupId: string, secret: string): ShortCode {
  if (!/^\d+$/.test(lookupId) || lookupId.length !== LOOKUP_ID_DIGITS || !/^\d+$/.test(secret) || secret.length !== CODE_SECRET_DIGITS) {
    throw new PairingCodeMistypedError('a short code is 5 lookup digits and 6 secret digits')
  }
  const body = lookupId + secret
  return { lookupId, secret, digits: body + String(dammDigit(body)) }
}

/** A fresh random code. */
export function generateShortCode (): ShortCode {
  return shortCodeOf(randomDigits(LOOKUP_ID_DIGITS), randomDigits(CODE_SECRET_DIGITS))
}

/** `4821-0937-5512`, for people. */
export function formatShortCode (code: ShortCode | string): string {
  const digits = typeof code === 'string' ? code : code.digits
  return (digits.match(/.{1,4}/g) ?? []).join('-')
}

/** True when `input` looks like a typed code rather than a link: digits, spaces and dashes only. */
export function looksLikeShortCode (input: string): boolean {
  return /^[\d\s-]+$/.test(input.trim())
}

/**
 * What someone typed, as a code. Spaces and dashes do not matter; anything
 * but 12 digits whose check digit holds is PAIRING_CODE_MISTYPED.
 */
export function parseShortCode (input: string): ShortCode {
  const digits = input.replace(/[\s-]/g, '')
  if (!/^\d+$/.test(digits) || digits.length !== SHORT_CODE_DIGITS) throw new PairingCodeMistypedError(`a pairing code is ${SHORT_CODE_DIGITS} digits`)
  if (dammDigit(digits) !== 0) throw new PairingCodeMistypedError('the check digit of the pairing code does not match')
  return {
    lookupId: digits.slice(0, LOOKUP_ID_DIGITS),
    secret: digits.slice(LOOKUP_ID_DIGITS, LOOKUP_ID_DIGITS + CODE_SECRET_DIGITS),
    digits
  }
}
