import { concatBytes } from '@noble/hashes/utils.js'

/**
 * A block as it came off a stream: one buffer, or the pieces it arrived in
 * when the fetcher can hash pieces (Node hosts) and so never joins them. A
 * store takes either (the pack store writes pieces as they are); only a
 * caller that reads the bytes joins them.
 */
export type FetchedBlock = Uint8Array | readonly Uint8Array[]

/** Hashes a block's pieces as if they were one buffer: SHA-256, the digest's 32 bytes. */
export type HashPieces = (pieces: readonly Uint8Array[]) => Uint8Array | Promise<Uint8Array>

export function blockLength (block: FetchedBlock): number {
  if (block instanceof Uint8Array) return block.byteLength
  let length = 0
  for (const piece of block) length += piece.byteLength
  return length
}

/** The block as one buffer (a copy only when it is in pieces). */
export function joinBlock (block: FetchedBlock): Uint8Array {
  if (block instanceof Uint8Array) return block
  return block.length === 1 ? block[0] as Uint8Array : concatBytes(...block)
}
