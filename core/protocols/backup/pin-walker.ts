import { createUnsafe } from 'multiformats/block'
import { CairnError } from '../../errors.ts'
import { readWholeBlock } from '../../storage/read-block.ts'
import type { GraphNode, GraphWalkerFactory, WalkOptions } from '@helia/interface'
import type { CID } from 'multiformats/cid'

/** The raw codec: a block with no links (UnixFS raw leaves). */
const RAW_CODE = 0x55
const NO_BYTES = new Uint8Array(0)

/**
 * A pin walker (`helia.pins.add(root, { walker })`) that reads only the
 * blocks that can link somewhere. A raw block has no links, so the walk
 * only checks that it is held (`has`) instead of reading its bytes: the
 * backup peer's pin of a file it just fetched read every 1 MiB leaf back
 * from its packs (tests/bench/README.md, "Pin walks without the leaves").
 * It yields the same blocks as Helia's depth-first walker (each link as
 * often as it is linked, the root first), so the pin counts it records
 * are the ones Helia's own walk (which `pins.rm` uses) finds again. A
 * block that is not held fails the walk, as Helia's offline read does.
 */
export function linksOnlyWalker (): GraphWalkerFactory {
  return ({ blockstore, getCodec }) => ({
    async * walk<T> (root: CID, options: WalkOptions<T> = {}): AsyncGenerator<GraphNode<T>> {
      const maxDepth = options.depth ?? Infinity
      const stack: Array<{ cid: CID, depth: number, path: CID[] }> = [{ cid: root, depth: 0, path: [root] }]
      for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
        const { cid, depth, path } = next
        let bytes: Uint8Array = NO_BYTES
        if (cid.code !== RAW_CODE) bytes = await readWholeBlock(blockstore, cid, { ...options, offline: true })
        else if (!await blockstore.has(cid, options)) throw new CairnError('BLOCK_NOT_FOUND', `block ${cid.toString()} is not held`)
        const block = createUnsafe({ cid, bytes, codec: await getCodec(cid.code) })
        yield { block: block as GraphNode<T>['block'], depth, path }
        if (depth >= maxDepth) continue
        const links = [...block.links()]
        // Pushed last to first, so the first link is walked first (depth first, in link order).
        for (let i = links.length - 1; i >= 0; i--) {
          const link = (links[i] as [string, CID])[1]
          if (options.includeChild?.(link, block as Parameters<NonNullable<WalkOptions<T>['includeChild']>>[1]) === false) continue
          stack.push({ cid: link, depth: depth + 1, path: [...path, link] })
        }
      }
    }
  })
}
