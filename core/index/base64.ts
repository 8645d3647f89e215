import { base64 } from 'multiformats/bases/base64'
import { CairnError, type ErrorCode } from '../errors.ts'

/**
 * File keys and dedup tags travel inside ops as unpadded RFC 4648 base64, so
 * an op is plain JSON. They are only ever stored inside sealed op blocks.
 */
export function toBase64 (bytes: Uint8Array): string {
  return base64.baseEncode(bytes)
}

/**
 * Decodes unpadded base64, accepting only the canonical form (re-encoding gives
 * the same string), so two spellings of one key never compare unequal.
 */
export function fromBase64 (text: string, failureCode: ErrorCode = 'FORMAT_INVALID'): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base64.baseDecode(text)
  } catch (err) {
    throw new CairnError(failureCode, 'not valid base64', { cause: err })
  }
  if (base64.baseEncode(bytes) !== text) throw new CairnError(failureCode, 'base64 is not in canonical form')
  return bytes
}
