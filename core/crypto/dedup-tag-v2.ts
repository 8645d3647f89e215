import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { CairnError, InvalidArgumentError } from '../errors.ts'
import { DEFAULT_CHUNK_SIZE } from './stream-constants.ts'
import { Rechunker } from './stream-rechunker.ts'

/**
 * Dedup tag, version 2 (DESIGN §3): a keyed hash over per-piece hashes, so
 * any worker can hash its own pieces and the tag costs no second pass.
 *
 *   pieces   = the plaintext cut into 1 MiB pieces, the last one shorter;
 *              an empty file is one empty piece (the same cut as the STREAM chunks)
 *   tagKey   = HKDF-SHA256(dedup subkey, info `cairn/v2/dedup-tag`)
 *   tag      = MARKER ‖ HMAC-SHA256(tagKey, u64be(size) ‖ SHA-256(piece 0) ‖ … )[0..28)
 *
 * The tag is 32 bytes like a version-1 tag (keyed BLAKE3 of the plaintext),
 * so an index entry keeps its shape and older app versions still accept it.
 * The 4-byte marker tells the versions apart: a version-1 tag starts with it
 * by chance once in 2^32, and the only cost of that is a missed dedup.
 */

export const DEDUP_TAG_V2_PIECE = DEFAULT_CHUNK_SIZE
/** `ct2` and a zero byte. */
export const DEDUP_TAG_V2_MARKER = new Uint8Array([0x63, 0x74, 0x32, 0x00])
const TAG_LENGTH = 32
const DEDUP_KEY_LENGTH = 32
const PIECE_DIGEST_LENGTH = 32
const encoder = new TextEncoder()

/** The version of a stored tag: 2 when it carries the marker, else 1 (keyed BLAKE3). */
export function dedupTagVersion (tag: Uint8Array): 1 | 2 {
  return tag.length === TAG_LENGTH && equalBytes(tag.subarray(0, DEDUP_TAG_V2_MARKER.length), DEDUP_TAG_V2_MARKER) ? 2 : 1
}

/** SHA-256 of one plaintext piece (WebCrypto: runs on the calling thread, see DESIGN §2). */
export async function pieceDigest (piece: Uint8Array): Promise<Uint8Array> {
  const view = piece.buffer instanceof ArrayBuffer ? piece as Uint8Array<ArrayBuffer> : new Uint8Array(piece)
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', view))
}

/** The version-2 tag of a file of `size` bytes from the SHA-256 of each of its pieces, in order. */
export function dedupTagV2FromDigests (dedupKey: Uint8Array, size: number, digests: readonly Uint8Array[]): Uint8Array {
  if (dedupKey.length !== DEDUP_KEY_LENGTH) throw new InvalidArgumentError(`the dedup key is ${DEDUP_KEY_LENGTH} bytes`)
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError('a file size is a whole number of bytes')
  const expected = Math.max(1, Math.ceil(size / DEDUP_TAG_V2_PIECE))
  if (digests.length !== expected) throw new CairnError('INTERNAL', `a ${size}-byte file has ${expected} pieces, got ${digests.length} digests`)
  const tagKey = hkdf(sha256, dedupKey, undefined, encoder.encode('cairn/v2/dedup-tag'), 32)
  const mac = hmac.create(sha256, tagKey)
  const length = new Uint8Array(8)
  new DataView(length.buffer).setBigUint64(0, BigInt(size), false)
  mac.update(length)
  for (const d of digests) {
    if (d.length !== PIECE_DIGEST_LENGTH) throw new CairnError('INTERNAL', 'a piece digest is 32 bytes')
    mac.update(d)
  }
  tagKey.fill(0)
  const tag = new Uint8Array(TAG_LENGTH)
  tag.set(DEDUP_TAG_V2_MARKER, 0)
  tag.set(mac.digest().subarray(0, TAG_LENGTH - DEDUP_TAG_V2_MARKER.length), DEDUP_TAG_V2_MARKER.length)
  return tag
}

/** An incremental version-2 tag: pieces are hashed as they complete; `digest()` ends it. */
export interface DedupHasherV2 {
  update: (chunk: Uint8Array) => void
  digest: () => Promise<Uint8Array>
}

/** Starts an incremental version-2 tag (for a stream hashed on this thread). */
export function createDedupHasherV2 (dedupKey: Uint8Array): DedupHasherV2 {
  if (dedupKey.length !== DEDUP_KEY_LENGTH) throw new InvalidArgumentError(`the dedup key is ${DEDUP_KEY_LENGTH} bytes`)
  const key = dedupKey.slice()
  const rechunker = new Rechunker(DEDUP_TAG_V2_PIECE)
  // WebCrypto copies its input when called, so a piece that is a view of the caller's chunk is safe.
  const digests: Array<Promise<Uint8Array>> = []
  let size = 0
  let done = false
  return {
    update (chunk) {
      if (done) throw new CairnError('INTERNAL', 'dedup hasher used after digest')
      size += chunk.length
      for (const piece of rechunker.push(chunk)) {
        const d = pieceDigest(piece)
        d.catch(() => {})
        digests.push(d)
      }
    },
    async digest () {
      if (done) throw new CairnError('INTERNAL', 'dedup hasher digested twice')
      done = true
      const rest = rechunker.takeRest()
      if (rest.length > 0 || digests.length === 0) digests.push(pieceDigest(rest))
      try {
        return dedupTagV2FromDigests(key, size, await Promise.all(digests))
      } finally {
        key.fill(0)
      }
    }
  }
}

/** The version-2 tag of a whole buffer. */
export async function dedupTagV2 (dedupKey: Uint8Array, bytes: Uint8Array): Promise<Uint8Array> {
  const hasher = createDedupHasherV2(dedupKey)
  hasher.update(bytes)
  return await hasher.digest()
}
