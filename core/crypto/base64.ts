import { base64, base64pad, base64url } from 'multiformats/bases/base64'
import { CairnError, type ErrorCode } from '../errors.ts'

/**
 * Cairn's one base64 codec, over multiformats' RFC 4648 bases. Each stored
 * format keeps the spelling it was written with:
 * - padded standard base64 (§4): the vault key record (`bytesToBase64`);
 * - unpadded standard base64: file keys and dedup tags inside index ops (`toBase64`);
 * - unpadded base64url (§5): vault ids, signatures, share links, sealed peer lists (`toBase64Url`).
 * Decoding is strict everywhere: only the canonical spelling (the one
 * re-encoding gives back) is accepted, so one value has exactly one text form.
 */
/** What the three bases share: encode and decode without a multibase prefix. */
interface Base64Codec {
  baseEncode: (bytes: Uint8Array) => string
  baseDecode: (text: string) => Uint8Array<ArrayBuffer>
}

function decodeCanonical (codec: Base64Codec, text: string, failureCode: ErrorCode): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new CairnError(failureCode, 'not valid base64')
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = codec.baseDecode(text)
  } catch (err) {
    throw new CairnError(failureCode, 'not valid base64', { cause: err })
  }
  if (codec.baseEncode(bytes) !== text) throw new CairnError(failureCode, 'base64 is not in canonical form')
  return bytes
}

/** Padded standard base64, as the vault key record stores its byte strings. */
export function bytesToBase64 (bytes: Uint8Array): string {
  return base64pad.baseEncode(bytes)
}

/** Decodes canonical padded base64; anything else throws `failureCode`. */
export function base64ToBytes (text: string, failureCode: ErrorCode = 'FORMAT_INVALID'): Uint8Array<ArrayBuffer> {
  return decodeCanonical(base64pad, text, failureCode)
}

/** Unpadded standard base64, as index ops carry file keys and dedup tags (ops stay plain JSON). */
export function toBase64 (bytes: Uint8Array): string {
  return base64.baseEncode(bytes)
}

/** Decodes canonical unpadded base64; anything else throws `failureCode`. */
export function fromBase64 (text: string, failureCode: ErrorCode = 'FORMAT_INVALID'): Uint8Array<ArrayBuffer> {
  return decodeCanonical(base64, text, failureCode)
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url (bytes: Uint8Array): string {
  return base64url.baseEncode(bytes)
}

/** Decodes canonical unpadded base64url; anything else throws `failureCode`. */
export function base64UrlToBytes (text: string, failureCode: ErrorCode = 'FORMAT_INVALID'): Uint8Array<ArrayBuffer> {
  return decodeCanonical(base64url, text, failureCode)
}

/** Decodes canonical unpadded base64url, or undefined. */
export function fromBase64Url (text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return decodeCanonical(base64url, text, 'FORMAT_INVALID')
  } catch {
    return undefined
  }
}
