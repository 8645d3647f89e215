import { concatBytes } from '@noble/hashes/utils.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * A block's bytes in one piece. interface-blockstore 7 `get` yields pieces;
 * most stores yield exactly one, which is returned without a copy. A networked
 * blockstore (Helia's) fetches a missing block from peers unless `offline`.
 */
export async function readWholeBlock (blockstore: Pick<Blockstore, 'get'>, cid: CID, options: { signal?: AbortSignal, offline?: boolean } = {}): Promise<Uint8Array> {
  const pieces: Uint8Array[] = []
  for await (const piece of blockstore.get(cid, options)) pieces.push(piece)
  return pieces.length === 1 ? pieces[0] as Uint8Array : concatBytes(...pieces)
}
