import * as dagPb from '@ipld/dag-pb'
import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { readWholeBlock } from '../storage/read-block.ts'

/**
 * Every block of a UnixFS file held in this store (dag-pb nodes and raw
 * leaves). Blocks this device never fetched (on-demand files after a
 * restore) are skipped, as are the children of a node that cannot be read.
 */
export async function localDagBlocks (blockstore: Blockstore, root: CID): Promise<CID[]> {
  const out: CID[] = []
  const seen = new Set<string>()
  const stack = [root]
  while (stack.length > 0) {
    const cid = stack.pop() as CID
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    if (!(await blockstore.has(cid))) continue
    out.push(cid)
    if (cid.code !== dagPb.code) continue
    try {
      stack.push(...dagPb.decode(await readWholeBlock(blockstore, cid, { offline: true })).Links.map(link => link.Hash))
    } catch {
      // A damaged node: its own block is still freed; its children cannot be found from here.
    }
  }
  return out
}

/**
 * Frees the local blocks of content roots the vault no longer needs (a
 * pruned version, an emptied Trash item). A root still named by the index
 * is never touched; a block that a share copy recorded is kept. Different
 * roots share no blocks in practice (every file is encrypted under its own
 * random key and nonce), so the check is by root, with the share copies'
 * blocks as a second guard. `keep.roots` is asked as each root is reached,
 * so a root claimed meanwhile (an upload naming it) is left. Returns the
 * number of blocks deleted.
 */
export async function freeContent (blockstore: Blockstore, roots: Iterable<string>, keep: { roots: Pick<ReadonlySet<string>, 'has'>, blocks: ReadonlySet<string> }): Promise<number> {
  let deleted = 0
  for (const text of roots) {
    if (keep.roots.has(text)) continue
    for (const cid of await localDagBlocks(blockstore, CID.parse(text))) {
      if (keep.blocks.has(cid.toString()) || keep.roots.has(cid.toString())) continue
      await blockstore.delete(cid)
      deleted++
    }
  }
  return deleted
}
