import { createSHA256 } from 'hash-wasm'
import type { HashPieces } from './fetched-block.ts'

/**
 * SHA-256 over a block's pieces in WebAssembly, for browser nodes: a block
 * fetched over the exchange is checked and stored in the pieces it arrived
 * in, as Node hosts do with their native hasher. WebCrypto hashes only one
 * buffer, so before this every fetched 1 MiB block was joined into fresh
 * memory and copied again by `digest`: the two largest items in the
 * restoring worker's profile (tests/bench/README.md, "Seventh round").
 *
 * One hasher serves every call: each call runs start to end with no await.
 */
export async function createWasmSha256Pieces (): Promise<HashPieces> {
  const hasher = await createSHA256()
  return (pieces) => {
    hasher.init()
    for (const piece of pieces) hasher.update(piece)
    return hasher.digest('binary')
  }
}
