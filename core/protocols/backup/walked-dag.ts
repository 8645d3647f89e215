import { createUnsafe } from 'multiformats/block'
import type { GraphNode, GraphWalkerFactory } from '@helia/interface'
import type { CID } from 'multiformats/cid'

const NO_BYTES = new Uint8Array(0)

/**
 * A graph walker for Helia's `pins.add` and `pins.rm` that yields the blocks
 * of a DAG already listed instead of reading each one back: Helia's own
 * walker reads every block, 1 MiB leaves included, only to find links that
 * raw leaves never have, and copies each on the way (it-to-buffer) — in a
 * restoring browser a quarter of the worker's busy time (issue 12).
 *
 * The pins use `node.block.cid` only, so each node's block carries the CID
 * with no bytes and no value. For `add`, `cids` must be every block of the
 * DAG, each here and checked (what `fetchAndPin` walked); for `rm`, the
 * blocks whose pin records are to be taken back (`localBlocks`).
 */
export function walkedDag (cids: readonly CID[]): GraphWalkerFactory {
  return () => ({
    async * walk <T>(): AsyncGenerator<GraphNode<T>> {
      for (const cid of cids) {
        // value null: nothing to decode (the pin needs the CID, not the content).
        const block = createUnsafe<T, number, number, 0 | 1>({ cid, bytes: NO_BYTES, value: null as T })
        yield { block, depth: 0, path: [cid] }
      }
    }
  })
}
