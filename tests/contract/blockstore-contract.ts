/**
 * One blockstore contract (interface-blockstore 7), run against every
 * implementation: blockstore-core's MemoryBlockstore (to keep the suite honest
 * about the reference), the pack blockstore over memory files under
 * node:test, and the OPFS pack blockstore inside a worker in real Chromium.
 * The suite only needs `describe`/`it` from its host; assertions are ours.
 */

import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { bytesEqual, equal, errorName, ok, rejects } from './assert.ts'
import { collectAll, collectBytes, makeBlock, type Block } from './block-fixtures.ts'
import { runPersistenceContract } from './blockstore-persistence-contract.ts'
import { expectBlock, expectMissing, ONE_MIB, withStore, type BlockstoreFactory, type ContractHarness } from './contract-support.ts'

export type { BlockstoreFactory, ContractHarness, OpenOptions } from './contract-support.ts'

async function countAll (store: Blockstore): Promise<number> {
  return (await collectAll(store.getAll())).length
}

/** Registers the whole contract for one implementation. */
export function runBlockstoreContract (name: string, factory: BlockstoreFactory, harness: ContractHarness): void {
  const { describe, it } = harness
  describe(`blockstore contract: ${name}`, () => {
    it('round-trips a small block', async () => withStore(factory, undefined, async (store) => {
      const block = await makeBlock(100, 1)
      const cid = await store.put(block.cid, block.bytes)
      ok(cid.equals(block.cid), 'put() returns the CID it was given')
      await expectBlock(store, block, 'small block')
    }))

    it('round-trips an empty block', async () => withStore(factory, undefined, async (store) => {
      const block = await makeBlock(0, 2)
      await store.put(block.cid, block.bytes)
      await expectBlock(store, block, 'empty block')
    }))

    it('round-trips a 1 MiB + 16 byte block', async () => withStore(factory, undefined, async (store) => {
      const block = await makeBlock(ONE_MIB + 16, 3)
      await store.put(block.cid, block.bytes)
      await expectBlock(store, block, 'ciphertext-sized block')
    }))

    it('accepts a block given as sync or async pieces', async () => withStore(factory, undefined, async (store) => {
      const a = await makeBlock(3000, 4)
      const b = await makeBlock(5000, 5)
      await store.put(a.cid, [a.bytes.subarray(0, 1000), a.bytes.subarray(1000, 1000), a.bytes.subarray(1000)])
      await store.put(b.cid, (async function * () { yield b.bytes.subarray(0, 10); yield b.bytes.subarray(10) })())
      await expectBlock(store, a, 'sync pieces')
      await expectBlock(store, b, 'async pieces')
    }))

    it('has() tells a present block from an absent one', async () => withStore(factory, undefined, async (store) => {
      const present = await makeBlock(64, 6)
      const absent = await makeBlock(64, 7)
      await store.put(present.cid, present.bytes)
      equal(await store.has(present.cid), true, 'present')
      equal(await store.has(absent.cid), false, 'absent')
    }))

    it('get() of a missing block throws NotFoundError', async () => withStore(factory, undefined, async (store) => {
      await expectMissing(store, (await makeBlock(10, 8)).cid, 'never stored')
    }))

    it('delete() removes a block, and deleting a missing block is a no-op', async () => withStore(factory, undefined, async (store) => {
      const keep = await makeBlock(200, 9)
      const gone = await makeBlock(300, 10)
      await store.put(keep.cid, keep.bytes)
      await store.put(gone.cid, gone.bytes)
      await store.delete(gone.cid)
      await expectMissing(store, gone.cid, 'deleted')
      await store.delete(gone.cid)
      await store.delete((await makeBlock(5, 11)).cid)
      await expectBlock(store, keep, 'neighbour of the deleted block')
      equal(await countAll(store), 1, 'getAll() after delete')
    }))

    it('stores a block put twice only once', async () => withStore(factory, undefined, async (store) => {
      const block = await makeBlock(4096, 12)
      await store.put(block.cid, block.bytes)
      const before = statsOf(store)
      await store.put(block.cid, block.bytes)
      await store.put(block.cid, [block.bytes])
      const after = statsOf(store)
      if (before !== undefined && after !== undefined) {
        equal(after.blocks, before.blocks, 'stats().blocks after a duplicate put')
        equal(after.bytes, before.bytes, 'stats().bytes after a duplicate put')
      }
      equal(await countAll(store), 1, 'getAll() after a duplicate put')
      await expectBlock(store, block, 'deduplicated block')
    }))

    it('finds a block by any CID of the same multihash (v0 and v1)', async () => withStore(factory, undefined, async (store) => {
      const block = await makeBlock(500, 13)
      const v0 = CID.createV0(block.cid.multihash as Parameters<typeof CID.createV0>[0])
      await store.put(v0, block.bytes)
      ok(await store.has(CID.createV1(raw.code, block.cid.multihash)), 'has() by CIDv1 raw')
      await expectBlock(store, block, 'read by CIDv1')
      await store.delete(block.cid)
      equal(await store.has(v0), false, 'deleted by CIDv1, gone by CIDv0')
    }))

    it('putMany, getMany, getAll and deleteMany', async () => withStore(factory, undefined, async (store) => {
      const blocks = await Promise.all([1, 2, 3, 4, 5, 6].map(async (i) => makeBlock(i * 700, 100 + i)))
      const put = await collectAll(store.putMany(blocks.map(({ cid, bytes }) => ({ cid, bytes }))))
      equal(put.length, blocks.length, 'putMany() yields every CID')
      const got = await collectAll(store.getMany(blocks.map((b) => b.cid)))
      equal(got.length, blocks.length, 'getMany() yields every block')
      for (const [i, pair] of got.entries()) {
        const block = blocks[i] as Block
        ok(pair.cid.equals(block.cid), `getMany() pair ${i} CID`)
        bytesEqual(await collectBytes(pair.bytes), block.bytes, `getMany() pair ${i} bytes`)
      }
      const all = await collectAll(store.getAll())
      equal(all.length, blocks.length, 'getAll() count')
      for (const pair of all) {
        const block = blocks.find((b) => b.cid.multihash.bytes.every((x, i) => x === pair.cid.multihash.bytes[i]))
        ok(block, `getAll() yields a stored CID (${pair.cid.toString()})`)
        bytesEqual(await collectBytes(pair.bytes), block.bytes, 'getAll() bytes')
      }
      const deleted = await collectAll(store.deleteMany(blocks.slice(0, 4).map((b) => b.cid)))
      equal(deleted.length, 4, 'deleteMany() yields every CID')
      for (const block of blocks.slice(0, 4)) await expectMissing(store, block.cid, 'after deleteMany()')
      for (const block of blocks.slice(4)) await expectBlock(store, block, 'kept by deleteMany()')
      equal(await countAll(store), 2, 'getAll() after deleteMany()')
    }))

    it('keeps every block of concurrent puts', async () => withStore(factory, undefined, async (store) => {
      const blocks = await Promise.all(Array.from({ length: 24 }, async (_, i) => makeBlock(1000 + i * 37, 200 + i)))
      // The same block twice in the batch, too: both puts must succeed, one copy kept.
      await Promise.all([...blocks, blocks[0] as Block].map(async (b) => store.put(b.cid, b.bytes)))
      for (const block of blocks) await expectBlock(store, block, 'concurrent put')
      equal(await countAll(store), blocks.length, 'getAll() after concurrent puts')
    }))

    it('honours an aborted signal', async () => withStore(factory, undefined, async (store) => {
      const block = await makeBlock(10, 14)
      const signal = AbortSignal.abort()
      const err = await rejects(async () => store.put(block.cid, block.bytes, { signal }), 'put() with an aborted signal')
      equal(errorName(err), 'AbortError', 'put() error name')
      equal(await store.has(block.cid), false, 'nothing stored by an aborted put()')
    }))

    runPersistenceContract(factory, harness)
  })
}

function statsOf (store: Blockstore): { blocks: number, bytes: number } | undefined {
  const withStats = store as Blockstore & { stats?: () => { blocks: number, bytes: number } }
  return typeof withStats.stats === 'function' ? withStats.stats() : undefined
}
