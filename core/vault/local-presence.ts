import * as dagPb from '@ipld/dag-pb'
import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { readWholeBlock } from '../storage/read-block.ts'
import type { FileLocation } from './vault-views.ts'

/** How much of one file's DAG this device's store holds. */
export interface Presence {
  local: FileLocation['local']
  /** The blocks held here (CID text) and their sizes. */
  blocks: Array<{ cid: string, bytes: number }>
  /** Their bytes, as stored. */
  bytes: number
}

/**
 * Walks a UnixFS DAG in the local store alone (never the network): 'all'
 * when every block is here, 'none' when not even the root is, else 'some'.
 * A missing dag-pb node hides its children, so a file missing one counts as
 * 'some' whatever lies below it. Raw leaves are sized from their parent's
 * link (no read); a raw root is read once.
 */
export async function dagPresence (store: Blockstore, root: CID): Promise<Presence> {
  const blocks: Array<{ cid: string, bytes: number }> = []
  let bytes = 0
  let missing = false
  const seen = new Set<string>()
  const stack: Array<{ cid: CID, size?: number }> = [{ cid: root }]
  while (stack.length > 0) {
    const { cid, size } = stack.pop() as { cid: CID, size?: number }
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    if (!(await store.has(cid))) {
      missing = true
      continue
    }
    if (cid.code !== dagPb.code) {
      const leaf = size ?? await rawSize(store, cid)
      blocks.push({ cid: key, bytes: leaf })
      bytes += leaf
      continue
    }
    try {
      const node = await readWholeBlock(store, cid, { offline: true })
      blocks.push({ cid: key, bytes: node.byteLength })
      bytes += node.byteLength
      for (const link of dagPb.decode(node).Links) stack.push({ cid: link.Hash, ...(link.Hash.code !== dagPb.code && link.Tsize !== undefined ? { size: link.Tsize } : {}) })
    } catch {
      // A damaged node: still freeable, but its children cannot be found from here, so the file is not all here.
      blocks.push({ cid: key, bytes: 0 })
      missing = true
    }
  }
  const local = blocks.length === 0 ? 'none' : missing ? 'some' : 'all'
  return { local, blocks, bytes }
}

/** A raw block's size, read (a damaged one counts 0: it is here, and freeing it is still right). */
async function rawSize (store: Blockstore, cid: CID): Promise<number> {
  try {
    return (await readWholeBlock(store, cid, { offline: true })).byteLength
  } catch {
    return 0
  }
}

/**
 * dagPresence per root, cached: a device of thousands of files asks once,
 * then again only for roots whose blocks changed. 'all' stays until the
 * root's blocks are freed (`forget`); 'some' and 'none' are asked again
 * after any block arrived from a peer (`blocksArrived`), since which root a
 * fetched block belongs to is not known where it lands.
 */
export class LocalPresence {
  /** Without the block lists: a device of large files would hold every CID of them. */
  private readonly cache = new Map<string, Omit<Presence, 'blocks'>>()
  /** Bumped by every invalidation: a walk that started before one is not cached. */
  private generation = 0

  constructor (private readonly store: Blockstore) {}

  async of (root: string): Promise<Omit<Presence, 'blocks'>> {
    const cached = this.cache.get(root)
    if (cached !== undefined) return cached
    const started = this.generation
    const { local, bytes } = await dagPresence(this.store, CID.parse(root))
    const presence = { local, bytes }
    if (started === this.generation) this.cache.set(root, presence)
    return presence
  }

  /** The root's blocks were deleted or fetched here: ask the store again next time. */
  forget (root: string): void {
    this.generation++
    this.cache.delete(root)
  }

  /** Some block arrived from a peer: every root not wholly here may have gained it. */
  blocksArrived (): void {
    this.generation++
    for (const [root, presence] of this.cache) if (presence.local !== 'all') this.cache.delete(root)
  }

  /** Drops roots no live file names any more (keeps the cache from growing forever). */
  retainOnly (roots: ReadonlySet<string>): void {
    for (const root of this.cache.keys()) if (!roots.has(root)) this.cache.delete(root)
  }

  clear (): void {
    this.generation++
    this.cache.clear()
  }
}
