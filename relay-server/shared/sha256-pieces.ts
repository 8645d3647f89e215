import { createHash } from 'node:crypto'

/**
 * SHA-256 over a block's pieces with Node's native hasher, fed one piece at
 * a time: the backup peer checks a block as it arrived off the stream
 * (pieces of decrypted Noise frames) without first copying it into one
 * buffer (a `HashPieces`, core/protocols/blocks/fetched-block.ts; tests/bench/README.md, "Blocks stored as they arrived").
 */
export function sha256Pieces (pieces: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256')
  for (const piece of pieces) hash.update(piece)
  return hash.digest()
}
