import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { FormatInvalidError } from '../errors.ts'

/** A block's bytes, whether the store hands them back whole or in pieces. */
async function blockBytes (blockstore: Blockstore, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  const got: unknown = blockstore.get(cid, signal !== undefined ? { signal } : {})
  const resolved = got instanceof Promise ? await got : got
  if (resolved instanceof Uint8Array) return resolved
  const parts: Uint8Array[] = []
  let length = 0
  for await (const part of resolved as AsyncIterable<Uint8Array>) { parts.push(part); length += part.length }
  if (parts.length === 1) return parts[0] as Uint8Array
  const out = new Uint8Array(length)
  let off = 0
  for (const part of parts) { out.set(part, off); off += part.length }
  return out
}

/** One raw leaf of a file, and its length when its parent's link says it (a raw leaf's Tsize is its length). */
interface Leaf { cid: CID, size?: number }

/**
 * Levels of dag-pb nodes above a leaf: the importer's balanced tree of a file
 * of 2^53 bytes in the smallest chunks is under 10 deep. A deeper tree is not
 * one Cairn made (a share's blocks are the sender's choice): a chain of
 * thousands of one-link nodes would be fetched one by one, then overflow the stack.
 */
const MAX_TREE_DEPTH = 32

/** A file's dag-pb node at `depth`, refused unless it is one Cairn could have made. */
async function fileNode (blockstore: Blockstore, cid: CID, signal: AbortSignal | undefined, depth: number): Promise<dagPb.PBNode> {
  if (cid.code !== dagPb.code) throw new FormatInvalidError('a stored file is made of raw and dag-pb blocks only')
  if (depth >= MAX_TREE_DEPTH) throw new FormatInvalidError('a stored file\'s tree is deeper than any Cairn makes')
  const node = dagPb.decode(await blockBytes(blockstore, cid, signal))
  if (node.Links.length === 0) throw new FormatInvalidError('a stored file keeps its bytes in raw leaves')
  return node
}

/** A UnixFS file's raw leaves in order (Cairn stores content with raw leaves only, DESIGN §4). */
async function * leavesOf (blockstore: Blockstore, cid: CID, signal?: AbortSignal, size?: number, depth = 0): AsyncGenerator<Leaf> {
  if (cid.code === raw.code) {
    // Every leaf is the header or a whole chunk; links to an empty one could repeat it without end.
    if (size === 0) throw new FormatInvalidError('a stored file has an empty leaf')
    yield size === undefined ? { cid } : { cid, size }
    return
  }
  const node = await fileNode(blockstore, cid, signal, depth)
  for (const link of node.Links) yield * leavesOf(blockstore, link.Hash, signal, link.Tsize, depth + 1)
}

/** Bytes [start, end) of a stored file (its ciphertext, header included). */
export interface LeafRange { start: number, end: number }

/** A leaf to read, and the part of it that lies in the range asked for. */
interface LeafPart { cid: CID, from: number, to: number, size?: number }

/**
 * The leaves holding `range`, with the part of each that lies in it. Whole
 * subtrees before the range are stepped over by the sizes their parent
 * records (UnixFS blockSizes), never walked: a read from the middle of a
 * large file costs the leaves it returns and the few nodes above them, and a
 * sender's tree of a billion tiny leaves (three blocks that link one child a
 * thousand times) costs no more to seek through than Cairn's own. A size
 * that lies only misplaces bytes, which then fail decryption.
 */
async function * partsOf (blockstore: Blockstore, root: CID, range: LeafRange | undefined, signal?: AbortSignal): AsyncGenerator<LeafPart> {
  if (range === undefined) {
    for await (const leaf of leavesOf(blockstore, root, signal)) yield { cid: leaf.cid, from: 0, to: Infinity }
    return
  }
  const at = { position: 0 }
  yield * rangeParts(blockstore, root, undefined, range, at, signal, 0)
}

/** The parts of `range` under `cid` (see partsOf); `at.position` is where this subtree starts in the file, and moves past it. */
async function * rangeParts (blockstore: Blockstore, cid: CID, size: number | undefined, range: LeafRange, at: { position: number }, signal: AbortSignal | undefined, depth: number): AsyncGenerator<LeafPart> {
  if (cid.code === raw.code) {
    const length = size ?? (await blockBytes(blockstore, cid, signal)).length
    if (length === 0) throw new FormatInvalidError('a stored file has an empty leaf')
    const end = at.position + length
    if (end > range.start) yield { cid, from: Math.max(0, range.start - at.position), to: Math.min(length, range.end - at.position), size: length }
    at.position = end
    return
  }
  const node = await fileNode(blockstore, cid, signal, depth)
  // Cairn's importer records every child's size; without them a seek would walk every leaf before it.
  const sizes = childSizes(node)
  if (sizes === undefined) throw new FormatInvalidError('a stored file\'s node does not record its parts\' sizes')
  for (const [i, link] of node.Links.entries()) {
    if (at.position >= range.end) return
    const childSize = sizes[i] as number
    if (at.position + childSize <= range.start) {
      at.position += childSize
      continue
    }
    yield * rangeParts(blockstore, link.Hash, link.Tsize, range, at, signal, depth + 1)
  }
}

/** The file bytes under each link, as the node's UnixFS data records them; undefined unless it records one per link. */
function childSizes (node: dagPb.PBNode): number[] | undefined {
  if (node.Data === undefined) return undefined
  let data: UnixFS
  try {
    data = UnixFS.unmarshal(node.Data)
  } catch {
    throw new FormatInvalidError('a stored file\'s node is not UnixFS')
  }
  if (data.blockSizes.length !== node.Links.length) return undefined
  const sizes = data.blockSizes.map(Number)
  return sizes.every(n => Number.isSafeInteger(n) && n >= 0) ? sizes : undefined
}

/** A leaf's bytes, cut to the part asked for; a leaf whose length is not what its link said is refused. */
async function partBytes (blockstore: Blockstore, part: LeafPart, signal?: AbortSignal): Promise<Uint8Array> {
  const bytes = await blockBytes(blockstore, part.cid, signal)
  if (bytes.length === 0) throw new FormatInvalidError('a stored file has an empty leaf')
  if (part.size !== undefined && bytes.length !== part.size) throw new FormatInvalidError('a stored leaf is not the length its link gives')
  return part.from === 0 && part.to >= bytes.length ? bytes : bytes.subarray(part.from, part.to)
}

/**
 * The bytes of a UnixFS file's leaves, in order, read straight from the
 * blockstore: no exporter (it copies every block once more and reads a
 * whole range ahead of its reader). At most `window` leaves are being read
 * ahead of the consumer; the window starts at one leaf and doubles with each
 * leaf delivered, so over a network the first byte waits for one block, not
 * for a window of them sharing the link. With `range`, only the bytes of
 * the file in it (see partsOf).
 */
export async function * readLeaves (blockstore: Blockstore, root: CID, window: number, signal?: AbortSignal, range?: LeafRange): AsyncGenerator<Uint8Array> {
  const leaves = partsOf(blockstore, root, range, signal)
  const ahead: Array<Promise<Uint8Array>> = []
  let limit = 1
  let ended = false
  const fill = async (): Promise<void> => {
    while (!ended && ahead.length < limit) {
      const next = await leaves.next()
      if (next.done === true) {
        ended = true
        break
      }
      const read = partBytes(blockstore, next.value, signal)
      // Marked handled now; a failure surfaces when this leaf's turn comes.
      read.catch(() => {})
      ahead.push(read)
    }
  }
  try {
    for (;;) {
      signal?.throwIfAborted()
      await fill()
      const next = ahead.shift()
      if (next === undefined) return
      const bytes = await next
      limit = Math.min(window, limit * 2)
      yield bytes
    }
  } finally {
    ahead.length = 0
    await leaves.return(undefined)
  }
}
