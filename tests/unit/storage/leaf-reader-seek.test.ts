// A byte-range read (a video preview seeking, an HTTP Range download) steps
// over the parts of a file before the range by the sizes the tree records.
// A share's tree is its sender's choice: one that links a child a thousand
// times at each level claims a billion leaves in three blocks.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { isCairnError } from '../../../core/errors.ts'
import { readLeaves } from '../../../core/storage/leaf-reader.ts'

/** Counts every block read. */
class CountingBlockstore extends MemoryBlockstore {
  gets = 0
  override async * get (...args: Parameters<MemoryBlockstore['get']>): ReturnType<MemoryBlockstore['get']> {
    this.gets++
    yield * super.get(...args)
  }
}

async function putNode (store: MemoryBlockstore, links: dagPb.PBLink[], blockSizes: bigint[] | undefined): Promise<CID> {
  const data = new UnixFS(blockSizes === undefined ? { type: 'file' } : { type: 'file', blockSizes })
  const bytes = dagPb.encode(dagPb.prepare({ Data: data.marshal(), Links: links }))
  const cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
  await store.put(cid, bytes)
  return cid
}

/** A tree of `levels` levels over one leaf of `leafBytes`, each node linking its child `fan` times. */
async function repeatedTree (store: MemoryBlockstore, levels: number, fan: number, leafBytes: Uint8Array, withSizes = true): Promise<{ root: CID, size: number }> {
  let cid: CID = CID.createV1(raw.code, await sha256.digest(leafBytes))
  await store.put(cid, leafBytes)
  let size = leafBytes.length
  for (let level = 0; level < levels; level++) {
    const links = Array.from({ length: fan }, () => ({ Hash: cid, Tsize: size }))
    cid = await putNode(store, links, withSizes ? links.map(() => BigInt(size)) : undefined)
    size *= fan
  }
  return { root: cid, size }
}

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

it('a range near the end of a tree claiming a billion one-byte leaves reads a handful of blocks, not every leaf before it', async () => {
  const store = new CountingBlockstore()
  const { root, size } = await repeatedTree(store, 3, 1000, Uint8Array.of(42))
  assert.equal(size, 1_000_000_000)
  store.gets = 0
  const bytes = await collect(readLeaves(store, root, 4, undefined, { start: size - 10, end: size }))
  assert.deepEqual([...bytes], new Array(10).fill(42))
  // The root, one node per level below it, and the ten leaves in the range.
  assert.ok(store.gets <= 3 + 10, `read ${store.gets} blocks`)
})

it('a range in the middle of a file comes out byte for byte, across leaf and subtree edges', async () => {
  const store = new CountingBlockstore()
  const leaves: CID[] = []
  const leafLengths = [5, 7, 3, 11, 2, 9]
  let offset = 0
  const whole: number[] = []
  for (const length of leafLengths) {
    const bytes = Uint8Array.from({ length }, (_, i) => (offset + i) % 251)
    whole.push(...bytes)
    offset += length
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))
    await store.put(cid, bytes)
    leaves.push(cid)
  }
  const pairs: CID[] = []
  const pairSizes: number[] = []
  for (let i = 0; i < leaves.length; i += 2) {
    const a = leafLengths[i] as number
    const b = leafLengths[i + 1] as number
    pairs.push(await putNode(store, [{ Hash: leaves[i] as CID, Tsize: a }, { Hash: leaves[i + 1] as CID, Tsize: b }], [BigInt(a), BigInt(b)]))
    pairSizes.push(a + b)
  }
  const root = await putNode(store, pairs.map((Hash, i) => ({ Hash, Tsize: pairSizes[i] as number })), pairSizes.map(BigInt))
  for (const [start, end] of [[0, whole.length], [4, 6], [12, 15], [13, 37], [36, 37], [20, 26]] as const) {
    const bytes = await collect(readLeaves(store, root, 4, undefined, { start, end }))
    assert.deepEqual([...bytes], whole.slice(start, end), `bytes ${start}–${end}`)
  }
})

it('a node that does not record its parts\' sizes is refused for a range read as not a Cairn file; a whole read still walks it', async () => {
  const store = new CountingBlockstore()
  const { root, size } = await repeatedTree(store, 2, 3, Uint8Array.of(1, 2), false)
  await assert.rejects(collect(readLeaves(store, root, 4, undefined, { start: size - 2, end: size })), (err: unknown) => isCairnError(err) && err.code === 'FORMAT_INVALID')
  assert.equal((await collect(readLeaves(store, root, 4))).length, size)
})
