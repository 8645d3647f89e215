import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { HEADER_LENGTH } from '../crypto/stream-constants.ts'
import type { ChunkCipher } from '../crypto/stream-chunk.ts'
import { chunkLocation, plaintextRangeToChunks } from '../crypto/stream-layout.ts'
import { CairnError, InvalidArgumentError } from '../errors.ts'
import { openChunkCipher, type ChunkSealer } from './chunk-sealer.ts'
import { readLeaves } from './leaf-reader.ts'
import { keyWipingStream } from './key-wiping-stream.ts'

/** Plaintext bytes [offset, offset + length) of a file. */
export interface ByteRange { offset: number, length: number }

/**
 * Throws INVALID_ARGUMENT unless `range` is a range of a `size`-byte file:
 * integers, not negative, not past the end. It may come from a message, so
 * nothing about its shape is taken on trust.
 */
export function checkRange (range: unknown, size: number): asserts range is ByteRange {
  const { offset, length } = (typeof range === 'object' && range !== null ? range : {}) as Partial<Record<keyof ByteRange, unknown>>
  if (typeof offset !== 'number' || typeof length !== 'number' || !Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) {
    throw new InvalidArgumentError('a byte range is an integer offset and length')
  }
  if (offset < 0 || length < 0) throw new InvalidArgumentError(`the byte range ${offset}+${length} is negative`)
  if (offset + length > size) throw new InvalidArgumentError(`the byte range ${offset}+${length} runs past the end of the file's ${size} bytes`)
}

/** Leaves read ahead of the decryption (as a whole read does: encrypted-content.ts). */
const READ_AHEAD_LEAVES = 8

export interface RangeReadInit {
  /** The plaintext length (the index entry's size or the share link's): where chunks lie and which one is final. */
  plaintextLength: number
  sealer?: ChunkSealer
  signal?: AbortSignal
}

/** Decrypts chunk `index` where it lies, or throws: never a byte that did not authenticate. */
type Open = (index: number, ciphertext: Uint8Array, final: boolean) => Promise<Uint8Array>

/**
 * Reads the verified header and returns how to open the file's chunks: on
 * the sealer's workers when there are some, else on this thread.
 */
async function openChunks (blockstore: Blockstore, root: CID, fileKey: Uint8Array, init: RangeReadInit): Promise<{ open: Open, chunkSize: number, close: () => void }> {
  const parts: Uint8Array[] = []
  for await (const part of readLeaves(blockstore, root, 1, init.signal, { start: 0, end: HEADER_LENGTH })) parts.push(part)
  const header = join(parts)
  let cipher: ChunkCipher
  try {
    // Checks the header under the key (WRONG_KEY, HEADER_TAMPERED, …) before any chunk is opened.
    cipher = await openChunkCipher(fileKey, header)
  } catch (err) {
    fileKey.fill(0)
    throw err
  }
  const session = init.sealer?.open(fileKey, header)
  // The cipher and the session hold what they need: the caller's key goes now.
  fileKey.fill(0)
  const chunkSize = cipher.header.chunkSize
  const refuse = (index: number): never => { throw new CairnError('CHUNK_TAMPERED', `chunk ${index} failed authentication`) }
  if (session === undefined) {
    return { chunkSize, close: () => {}, open: async (index, bytes, final) => await cipher.decrypt(index, bytes, final) ?? refuse(index) }
  }
  return { chunkSize, close: session.close, open: async (index, bytes, final) => (await session.unseal(index, bytes, final)).plaintext ?? refuse(index) }
}

function join (parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) { out.set(p, off); off += p.length }
  return out
}

/**
 * The plaintext of `range` alone, without decrypting from the start: the
 * header is read and verified, then only the chunks holding the range, each
 * authenticated at its own index (DESIGN §4: the nonce binds the index and
 * the final flag, so a chunk moved, cut or changed is refused, and the
 * file's final chunk is opened as final). Leading bytes of the first chunk
 * and trailing ones of the last are dropped after they authenticated.
 * Holds a few chunks at most, whatever the size of the file or the range.
 */
async function * rangePlaintext (blockstore: Blockstore, root: CID, fileKey: Uint8Array, range: ByteRange, init: RangeReadInit): AsyncGenerator<Uint8Array> {
  const size = init.plaintextLength
  if (range.length === 0) { fileKey.fill(0); return }
  const chunks = await openChunks(blockstore, root, fileKey, init)
  const jobs: Array<{ index: number, plain: Promise<Uint8Array> }> = []
  try {
    const r = plaintextRangeToChunks(range.offset, range.offset + range.length, size, chunks.chunkSize)
    const width = Math.max(1, init.sealer?.width ?? 2)
    let index = r.firstChunk
    let pending: Uint8Array[] = []
    let pendingLength = 0
    let left = range.length
    // What the oldest chunk under way gives of the range, once it authenticated.
    const next = async (): Promise<Uint8Array> => {
      const job = jobs.shift() as { index: number, plain: Promise<Uint8Array> }
      const plain = await job.plain
      const from = job.index === r.firstChunk ? r.skip : 0
      const piece = plain.subarray(from, from + Math.min(left, plain.length - from))
      left -= piece.length
      return piece
    }
    const launch = (bytes: Uint8Array): void => {
      const at = chunkLocation(index, size, chunks.chunkSize)
      const plain = chunks.open(index, bytes, at.final)
      // Marked handled now; a failure surfaces when this chunk's turn comes.
      plain.catch(() => {})
      jobs.push({ index, plain })
      index++
    }
    for await (const part of readLeaves(blockstore, root, READ_AHEAD_LEAVES, init.signal, { start: r.cipherStart, end: r.cipherEnd })) {
      pending.push(part)
      pendingLength += part.length
      // Cut whole chunks off what arrived (one leaf is one chunk, so this rarely copies).
      while (index <= r.lastChunk) {
        const need = chunkLocation(index, size, chunks.chunkSize).length
        if (pendingLength < need) break
        const all = join(pending)
        launch(all.subarray(0, need))
        pending = all.length > need ? [all.subarray(need)] : []
        pendingLength -= need
        while (jobs.length >= width) yield await next()
      }
    }
    if (index <= r.lastChunk) throw new CairnError('STREAM_TRUNCATED', `the encrypted file ends inside chunk ${index}`)
    while (jobs.length > 0) yield await next()
  } finally {
    jobs.length = 0
    chunks.close()
  }
}

/**
 * A stored file's plaintext bytes in `range` as a stream (see rangePlaintext).
 * `range` must lie within `plaintextLength` (INVALID_ARGUMENT otherwise).
 * The stream owns `fileKey`: it is overwritten as soon as the chunks' cipher
 * holds what it needs, or when the read fails or is cancelled.
 */
export function readDecryptedRange (blockstore: Blockstore, root: CID, fileKey: Uint8Array, range: ByteRange, init: RangeReadInit): ReadableStream<Uint8Array> {
  try {
    checkRange(range, init.plaintextLength)
  } catch (err) {
    fileKey.fill(0)
    throw err
  }
  const source = rangePlaintext(blockstore, root, fileKey, range, init)
  return keyWipingStream(source, fileKey, { highWaterMark: 0 })
}
