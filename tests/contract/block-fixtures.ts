import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

/** A block and the CIDv1 (raw, sha2-256) of its bytes. */
export interface Block {
  cid: CID
  bytes: Uint8Array
}

/**
 * Deterministic pseudo-random bytes (xorshift32), so a failing case can be
 * replayed and a block's content depends on its seed only.
 */
export function pseudoRandomBytes (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = (seed * 2654435761) >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** A block of `length` pseudo-random bytes with its CID. */
export async function makeBlock (length: number, seed: number): Promise<Block> {
  const bytes = pseudoRandomBytes(length, seed)
  const digest = await sha256.digest(bytes)
  return { cid: CID.createV1(raw.code, digest), bytes }
}

/** Joins the pieces a blockstore `get` yields. */
export async function collectBytes (pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let length = 0
  for await (const piece of pieces) {
    parts.push(piece)
    length += piece.length
  }
  if (parts.length === 1) return parts[0] as Uint8Array
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** Drains a (sync or async) iterable into an array. */
export async function collectAll<T> (source: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) out.push(item)
  return out
}
