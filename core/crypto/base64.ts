import { CairnError, type ErrorCode } from '../errors.ts'

/**
 * Standard padded base64 (RFC 4648 §4) for the small byte strings the vault
 * key record stores. Decoding is strict: only the canonical spelling is
 * accepted, so one value has exactly one stored form.
 */
export function bytesToBase64 (bytes: Uint8Array): string {
  let binary = ''
  // Chunked so String.fromCharCode never gets too many arguments.
  for (let off = 0; off < bytes.length; off += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(off, off + 0x8000))
  }
  return btoa(binary)
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Decodes canonical padded base64; anything else throws `failureCode`. */
export function base64ToBytes (text: string, failureCode: ErrorCode = 'FORMAT_INVALID'): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new CairnError(failureCode, 'not valid base64')
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  if (bytesToBase64(bytes) !== text) throw new CairnError(failureCode, 'base64 is not in canonical form')
  return bytes
}
