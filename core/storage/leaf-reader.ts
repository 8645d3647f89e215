import * as dagPb from '@ipld/dag-pb'
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

/** A UnixFS file's raw leaves in order (Cairn stores content with raw leaves only, DESIGN §4). */
async function * leavesOf (blockstore: Blockstore, cid: CID, signal?: AbortSignal): AsyncGenerator<CID> {
  if (cid.code === raw.code) {
    yield cid
    return
  }
  if (cid.code !== dagPb.code) throw new FormatInvalidError('a stored file is made of raw and dag-pb blocks only')
  const node = dagPb.decode(await blockBytes(blockstore, cid, signal))
  if (node.Links.length === 0) throw new FormatInvalidError('a stored file keeps its bytes in raw leaves')
  for (const link of node.Links) yield * leavesOf(blockstore, link.Hash, signal)
}

/**
 * The bytes of a UnixFS file's leaves, in order, read straight from the
 * blockstore: no exporter (it copies every block once more and reads a
 * whole range ahead of its reader). At most `window` leaves are being read
 * ahead of the consumer; the window starts at one leaf and doubles with each
 * leaf delivered, so over a network the first byte waits for one block, not
 * for a window of them sharing the link.
 */
export async function * readLeaves (blockstore: Blockstore, root: CID, window: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const leaves = leavesOf(blockstore, root, signal)
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
      const read = blockBytes(blockstore, next.value, signal)
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
