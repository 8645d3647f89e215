import { equalBytes } from '@noble/ciphers/utils.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { CairnError, FormatInvalidError, InvalidArgumentError } from '../errors.ts'
import {
  ALG_AES_256_GCM, COMMITMENT_LENGTH, DEFAULT_CHUNK_LOG2, FILE_KEY_LENGTH, FORMAT_VERSION, HEADER_LENGTH,
  HEADER_MAC_LENGTH, INFO_COMMIT, INFO_CONTENT, INFO_HEADER_MAC, MAGIC, MAX_CHUNK_LOG2, MIN_CHUNK_LOG2,
  NONCE_PREFIX_LENGTH, OFFSET_ALG, OFFSET_CHUNK_LOG2, OFFSET_COMMITMENT, OFFSET_HEADER_MAC, OFFSET_NONCE_PREFIX,
  OFFSET_VERSION
} from './stream-constants.ts'

const encoder = new TextEncoder()

/** A parsed, verified header of an encrypted file. */
export interface FileHeader {
  /** The exact header bytes; every chunk authenticates them as associated data. */
  bytes: Uint8Array<ArrayBuffer>
  chunkLog2: number
  /** Plaintext bytes per chunk (the final chunk may be shorter). */
  chunkSize: number
  noncePrefix: Uint8Array
}

/** The three single-purpose subkeys of a file key. */
export interface FileSubkeys {
  /** AES-256-GCM key of the chunks. */
  contentKey: Uint8Array
  /** Stored in the header: proves which key the ciphertext belongs to. */
  commitment: Uint8Array
  /** HMAC key of the header fields in front of the commitment. */
  headerMacKey: Uint8Array
}

/** Makes a fresh random 32-byte file key (FK). */
export function generateFileKey (): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(FILE_KEY_LENGTH))
}

/** Splits a file key into its subkeys (HKDF-SHA256, one info string each). */
export function deriveFileSubkeys (fileKey: Uint8Array): FileSubkeys {
  if (fileKey.length !== FILE_KEY_LENGTH) throw new CairnError('WRONG_KEY', `a file key is ${FILE_KEY_LENGTH} bytes, got ${fileKey.length}`)
  return {
    contentKey: hkdf(sha256, fileKey, undefined, encoder.encode(INFO_CONTENT), 32),
    commitment: hkdf(sha256, fileKey, undefined, encoder.encode(INFO_COMMIT), COMMITMENT_LENGTH),
    headerMacKey: hkdf(sha256, fileKey, undefined, encoder.encode(INFO_HEADER_MAC), 32)
  }
}

/**
 * Overwrites the secret subkeys once they are no longer needed (the content
 * key lives on inside a non-extractable CryptoKey). Best effort: JavaScript
 * may have copied them, but there is no reason to keep them around.
 */
export function wipeFileSubkeys (subkeys: FileSubkeys): void {
  subkeys.contentKey.fill(0)
  subkeys.headerMacKey.fill(0)
}

function headerMac (macKey: Uint8Array, header: Uint8Array): Uint8Array {
  return hmac(sha256, macKey, header.subarray(0, OFFSET_COMMITMENT)).subarray(0, HEADER_MAC_LENGTH)
}

/** Checks a chunk-size exponent and returns the chunk size in bytes. */
export function chunkSizeFromLog2 (chunkLog2: number): number {
  if (!Number.isInteger(chunkLog2) || chunkLog2 < MIN_CHUNK_LOG2 || chunkLog2 > MAX_CHUNK_LOG2) {
    throw new FormatInvalidError(`chunk size 2^${chunkLog2} is outside 2^${MIN_CHUNK_LOG2}..2^${MAX_CHUNK_LOG2}`)
  }
  return 2 ** chunkLog2
}

/** Turns a chunk size in bytes (a power of two) into its exponent. */
export function chunkLog2FromSize (chunkSize: number): number {
  const log2 = Math.log2(chunkSize)
  chunkSizeFromLog2(log2)
  return log2
}

/** Builds the header of a new file: fields, key commitment, header MAC. */
export function buildHeader (subkeys: FileSubkeys, noncePrefix: Uint8Array, chunkLog2: number = DEFAULT_CHUNK_LOG2): FileHeader {
  const chunkSize = chunkSizeFromLog2(chunkLog2)
  if (noncePrefix.length !== NONCE_PREFIX_LENGTH) throw new InvalidArgumentError(`the nonce prefix is ${NONCE_PREFIX_LENGTH} bytes`)
  const bytes = new Uint8Array(HEADER_LENGTH)
  bytes.set(MAGIC, 0)
  bytes[OFFSET_VERSION] = FORMAT_VERSION
  bytes[OFFSET_ALG] = ALG_AES_256_GCM
  bytes[OFFSET_CHUNK_LOG2] = chunkLog2
  bytes.set(noncePrefix, OFFSET_NONCE_PREFIX)
  bytes.set(subkeys.commitment, OFFSET_COMMITMENT)
  bytes.set(headerMac(subkeys.headerMacKey, bytes), OFFSET_HEADER_MAC)
  return { bytes, chunkLog2, chunkSize, noncePrefix: bytes.slice(OFFSET_NONCE_PREFIX, OFFSET_COMMITMENT) }
}

/**
 * True when `bytes` (at least MAGIC.length long) starts with the magic.
 * Lets a decryptor refuse a non-Cairn input before it has a whole header.
 */
export function hasMagic (bytes: Uint8Array): boolean {
  return equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)
}

/**
 * Parses and verifies a header before anything is decrypted.
 *
 * The MAC covers the fields in front of the commitment but not the commitment
 * itself, so the two checks together name the failure: both bad → WRONG_KEY;
 * only the MAC bad → HEADER_TAMPERED (the fields changed); only the commitment
 * bad → KEY_COMMITMENT_FAILED (a header made with this key, a ciphertext that
 * does not commit to it).
 */
export function parseHeader (subkeys: FileSubkeys, input: Uint8Array): FileHeader {
  if (input.length < HEADER_LENGTH) {
    if (input.length >= MAGIC.length && hasMagic(input)) throw new CairnError('STREAM_TRUNCATED', 'the encrypted file ends inside its header')
    throw new FormatInvalidError('not a Cairn encrypted file (too short)')
  }
  const bytes = input.slice(0, HEADER_LENGTH)
  if (!hasMagic(bytes)) throw new FormatInvalidError('not a Cairn encrypted file (bad magic)')
  if (bytes[OFFSET_VERSION] !== FORMAT_VERSION) throw new CairnError('UNSUPPORTED_VERSION', `encrypted-file version ${String(bytes[OFFSET_VERSION])} is not supported`)
  if (bytes[OFFSET_ALG] !== ALG_AES_256_GCM) throw new CairnError('UNSUPPORTED_ALGORITHM', `encrypted-file algorithm ${String(bytes[OFFSET_ALG])} is not supported`)

  const macOk = equalBytes(headerMac(subkeys.headerMacKey, bytes), bytes.subarray(OFFSET_HEADER_MAC))
  const commitOk = equalBytes(subkeys.commitment, bytes.subarray(OFFSET_COMMITMENT, OFFSET_HEADER_MAC))
  const chunkLog2 = bytes[OFFSET_CHUNK_LOG2] ?? 0
  const inBounds = chunkLog2 >= MIN_CHUNK_LOG2 && chunkLog2 <= MAX_CHUNK_LOG2
  // An out-of-range chunk size under a valid commitment but a bad MAC is a
  // changed header, not a malformed one; otherwise it is simply malformed.
  if (!inBounds && !(commitOk && !macOk)) chunkSizeFromLog2(chunkLog2)
  if (!macOk && !commitOk) throw new CairnError('WRONG_KEY', 'this file was encrypted with a different key')
  if (!macOk) throw new CairnError('HEADER_TAMPERED', 'the encrypted file header was changed')
  if (!commitOk) throw new CairnError('KEY_COMMITMENT_FAILED', 'the encrypted file does not commit to this key')
  return { bytes, chunkLog2, chunkSize: 2 ** chunkLog2, noncePrefix: bytes.slice(OFFSET_NONCE_PREFIX, OFFSET_COMMITMENT) }
}
