import { FormatInvalidError, InvalidArgumentError } from '../errors.ts'
import { DEFAULT_CHUNK_SIZE, HEADER_LENGTH, TAG_LENGTH } from './stream-constants.ts'

/**
 * Arithmetic of the STREAM layout: sizes and where a plaintext byte range lies
 * in the ciphertext. Chunks are numbered from 0; every chunk but the final one
 * holds exactly `chunkSize` plaintext bytes; an empty file has one empty final
 * chunk.
 */

function checkSize (n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a non-negative integer`)
}

/** Number of chunks a plaintext of `plainSize` bytes is cut into (at least 1). */
export function chunkCount (plainSize: number, chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  checkSize(plainSize, 'plainSize')
  return Math.max(1, Math.ceil(plainSize / chunkSize))
}

/** Size in bytes of the encrypted file (header included) for a plaintext of `plainSize` bytes. */
export function encryptedSize (plainSize: number, chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  return HEADER_LENGTH + plainSize + chunkCount(plainSize, chunkSize) * TAG_LENGTH
}

/**
 * Plaintext size of an encrypted file of `cipherSize` bytes (header included).
 * Throws FORMAT_INVALID when no plaintext size encrypts to that length.
 */
export function plaintextSize (cipherSize: number, chunkSize: number = DEFAULT_CHUNK_SIZE): number {
  checkSize(cipherSize, 'cipherSize')
  const body = cipherSize - HEADER_LENGTH
  const full = chunkSize + TAG_LENGTH
  if (body < TAG_LENGTH) throw new FormatInvalidError(`${cipherSize} bytes cannot be an encrypted file`)
  const wholeChunks = Math.floor((body - 1) / full)
  const finalLength = body - wholeChunks * full
  if (finalLength < TAG_LENGTH || (finalLength === TAG_LENGTH && wholeChunks > 0)) {
    throw new FormatInvalidError(`${cipherSize} bytes cannot be an encrypted file with ${chunkSize}-byte chunks`)
  }
  return wholeChunks * chunkSize + finalLength - TAG_LENGTH
}

/** Where one ciphertext chunk lies in the encrypted file. */
export interface ChunkLocation {
  index: number
  /** Byte offset of the chunk in the encrypted file (header included). */
  offset: number
  /** Ciphertext length of the chunk, tag included. */
  length: number
  /** True for the final chunk (decrypt it with the last flag set). */
  final: boolean
}

/** Locates chunk `index` of a file whose plaintext is `plainSize` bytes. */
export function chunkLocation (index: number, plainSize: number, chunkSize: number = DEFAULT_CHUNK_SIZE): ChunkLocation {
  const count = chunkCount(plainSize, chunkSize)
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new InvalidArgumentError(`chunk ${index} is outside 0..${count - 1}`)
  const final = index === count - 1
  const plainLength = final ? plainSize - index * chunkSize : chunkSize
  return { index, offset: HEADER_LENGTH + index * (chunkSize + TAG_LENGTH), length: plainLength + TAG_LENGTH, final }
}

/** The chunks a plaintext byte range needs, and how to cut the range out of their plaintext. */
export interface ChunkRange {
  /** First and last chunk index (inclusive) covering the range. */
  firstChunk: number
  lastChunk: number
  /** Ciphertext bytes to fetch: [cipherStart, cipherEnd) of the encrypted file. */
  cipherStart: number
  cipherEnd: number
  /** Bytes to drop from the first chunk's plaintext. */
  skip: number
  /** Bytes of the range (after skipping); 0 for an empty range. */
  length: number
  /** True when `lastChunk` is the final chunk of the file. */
  includesFinal: boolean
}

/**
 * Maps the plaintext range [start, end) (clamped to the file) to the
 * ciphertext chunks that hold it. Decrypt chunks firstChunk..lastChunk from
 * [cipherStart, cipherEnd), concatenate, drop `skip` bytes, keep `length`.
 */
export function plaintextRangeToChunks (start: number, end: number, plainSize: number, chunkSize: number = DEFAULT_CHUNK_SIZE): ChunkRange {
  checkSize(start, 'start')
  checkSize(end, 'end')
  const from = Math.min(start, plainSize)
  const to = Math.max(from, Math.min(end, plainSize))
  const count = chunkCount(plainSize, chunkSize)
  const firstChunk = Math.min(Math.floor(from / chunkSize), count - 1)
  const lastChunk = to > from ? Math.floor((to - 1) / chunkSize) : firstChunk
  const first = chunkLocation(firstChunk, plainSize, chunkSize)
  const last = chunkLocation(lastChunk, plainSize, chunkSize)
  return {
    firstChunk,
    lastChunk,
    cipherStart: first.offset,
    cipherEnd: last.offset + last.length,
    skip: from - firstChunk * chunkSize,
    length: to - from,
    includesFinal: last.final
  }
}
