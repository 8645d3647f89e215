import { CairnError } from '../errors.ts'
import type { ChunkCipher } from './stream-chunk.ts'
import { TAG_LENGTH } from './stream-constants.ts'

/**
 * Names a STREAM failure after a chunk has already failed to authenticate.
 *
 * The AEAD is the only judge of authenticity: these functions only try the
 * same bytes under other positions (nearby indices, the other last flag) to
 * say *what* went wrong. The data stays refused whatever they find, and no
 * plaintext they produce leaves this module.
 */

/** How far from its expected index a moved chunk is looked for. */
const INDEX_WINDOW = 4
/** How many short and how many long final-chunk lengths are tried inside a failed piece (bounded work). */
const TRAILING_PROBES = 64
/** At most this many bytes are decrypted trying long final-chunk lengths (fewer tries with big chunks). */
const LONG_PROBE_BUDGET = 64 * 1024 * 1024

async function authenticates (cipher: ChunkCipher, index: number, bytes: Uint8Array, last: boolean): Promise<boolean> {
  if (index < 0) return false
  return (await cipher.decrypt(index, bytes, last)) !== undefined
}

/** Error for chunk bytes that belong to another position `found` than `index`. */
function movedError (index: number, found: number): CairnError {
  return found < index
    ? new CairnError('CHUNK_DUPLICATED', `chunk ${found} appears again at position ${index}`)
    : new CairnError('CHUNK_REORDERED', `chunk ${found} was found at position ${index} (chunks are out of order or missing)`)
}

/** Looks for `bytes` as another chunk within the window around `index`. */
async function findMoved (cipher: ChunkCipher, index: number, bytes: Uint8Array): Promise<CairnError | undefined> {
  for (let d = 1; d <= INDEX_WINDOW; d++) {
    for (const j of [index - d, index + d]) {
      for (const last of [false, true]) {
        if (await authenticates(cipher, j, bytes, last)) return movedError(index, j)
      }
    }
  }
  return undefined
}

/**
 * Bytes `tail` (the first of `tailLength`) follow a chunk that authenticated
 * as the final chunk `finalIndex`. Names them: the final chunk again, a second final chunk, an earlier chunk
 * again, or plain trailing bytes.
 */
export async function diagnoseAfterFinal (cipher: ChunkCipher, finalIndex: number, tail: Uint8Array, tailLength = tail.length): Promise<CairnError> {
  const first = tail.subarray(0, cipher.header.chunkSize + TAG_LENGTH)
  if (await authenticates(cipher, finalIndex, first, true)) {
    return new CairnError('CHUNK_DUPLICATED', `the final chunk ${finalIndex} appears twice`)
  }
  if (await authenticates(cipher, finalIndex + 1, first, true)) {
    return new CairnError('EXTRA_FINAL_CHUNK', `a second final chunk follows final chunk ${finalIndex}`)
  }
  for (let d = 1; d <= INDEX_WINDOW; d++) {
    for (const last of [false, true]) {
      if (await authenticates(cipher, finalIndex - d, first, last)) {
        return new CairnError('CHUNK_DUPLICATED', `chunk ${finalIndex - d} appears again after the final chunk`)
      }
    }
  }
  return new CairnError('TRAILING_DATA', `bytes follow the final chunk (${tailLength} seen)`)
}

/**
 * Chunk `index` was expected to be followed by more chunks but failed. When
 * it, or a prefix of it, authenticates as a final chunk, returns that final
 * chunk's length (the caller then names what follows with
 * {@link diagnoseAfterFinal}); otherwise returns the error to report.
 * `lengthKnown` says the chunk boundaries came from a known file length, so
 * no short final chunk is looked for inside the piece.
 */
export async function diagnoseInnerChunk (cipher: ChunkCipher, index: number, bytes: Uint8Array, lengthKnown: boolean): Promise<CairnError | { finalLength: number }> {
  if (await authenticates(cipher, index, bytes, true)) return { finalLength: bytes.length }
  const moved = await findMoved(cipher, index, bytes)
  if (moved !== undefined) return moved
  if (!lengthKnown) {
    const finalLength = await findFinalPrefix(cipher, index, bytes)
    if (finalLength !== undefined) return { finalLength }
  }
  return new CairnError('CHUNK_TAMPERED', `chunk ${index} failed authentication (it was changed)`)
}

/**
 * The last piece of the stream, `bytes` at position `index`, failed as a final
 * chunk. With `lengthKnown` false the piece's end is only where the input
 * ended, so a short final chunk followed by extra bytes is looked for too.
 */
export async function diagnoseLastPiece (cipher: ChunkCipher, index: number, bytes: Uint8Array, lengthKnown: boolean): Promise<CairnError> {
  if (bytes.length < TAG_LENGTH) {
    return new CairnError('STREAM_TRUNCATED', `the encrypted file ends inside chunk ${index}`)
  }
  if (await authenticates(cipher, index, bytes, false)) {
    return new CairnError('STREAM_TRUNCATED', `the encrypted file ends after chunk ${index} without a final chunk`)
  }
  const moved = await findMoved(cipher, index, bytes)
  if (moved !== undefined) return moved
  if (!lengthKnown) {
    const found = await findFinalPrefix(cipher, index, bytes)
    if (found !== undefined) return await diagnoseAfterFinal(cipher, index, bytes.subarray(found))
  }
  return new CairnError('CHUNK_TAMPERED', lengthKnown
    ? `the final chunk ${index} failed authentication (it was changed)`
    : `the last chunk ${index} failed authentication (it was changed, or the file was cut short inside it)`)
}

/**
 * Finds a length at which a prefix of `bytes` is the final chunk, trying a
 * bounded set of splits: half (a short final chunk twice), the shortest final
 * chunks, and the longest ones (a few bytes appended). Other splits are not
 * tried: each try is a decryption.
 */
async function findFinalPrefix (cipher: ChunkCipher, index: number, bytes: Uint8Array): Promise<number | undefined> {
  const candidates = new Set<number>()
  if (bytes.length % 2 === 0) candidates.add(bytes.length / 2)
  for (let p = TAG_LENGTH; p < Math.min(bytes.length, TAG_LENGTH + TRAILING_PROBES); p++) candidates.add(p)
  const longProbes = Math.min(TRAILING_PROBES, Math.floor(LONG_PROBE_BUDGET / Math.max(1, bytes.length)))
  for (let p = bytes.length - 1; p >= TAG_LENGTH && p >= bytes.length - longProbes; p--) candidates.add(p)
  for (const p of candidates) {
    if (await authenticates(cipher, index, bytes.subarray(0, p), true)) return p
  }
  return undefined
}
