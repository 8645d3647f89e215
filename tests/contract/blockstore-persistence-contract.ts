/**
 * The part of the blockstore contract that needs persistent backing storage:
 * reopening, pack roll-over and torn tails. Registered only for factories
 * that can reopen (and tear) their stores.
 */

import { equal } from './assert.ts'
import { collectAll, makeBlock, type Block } from './block-fixtures.ts'
import { expectBlock, expectMissing, ONE_MIB, withStore, type BlockstoreFactory, type ContractHarness } from './contract-support.ts'

/** Small packs so a few hundred KiB of blocks span many of them. */
const SMALL_PACK = 64 * 1024

export function runPersistenceContract (factory: BlockstoreFactory, harness: ContractHarness): void {
  const { it } = harness
  const { reopen, tearTail } = factory
  if (reopen !== undefined) {
    it('keeps blocks across close and reopen', async () => withStore(factory, undefined, async (first) => {
      const blocks = await Promise.all([0, 1, 100, ONE_MIB + 16].map(async (n, i) => makeBlock(n, 300 + i)))
      for (const block of blocks) await first.put(block.cid, block.bytes)
      const store = await reopen(first)
      for (const block of blocks) await expectBlock(store, block, `after reopen (${block.bytes.length} bytes)`)
      equal((await collectAll(store.getAll())).length, blocks.length, 'getAll() after reopen')
      return store
    }))

    it('keeps deletes and re-puts across reopen', async () => withStore(factory, undefined, async (first) => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(async (i) => makeBlock(2000 + i, 400 + i))) as [Block, Block, Block]
      for (const block of [a, b, c]) await first.put(block.cid, block.bytes)
      await first.delete(a.cid)
      await first.delete(b.cid)
      await first.put(b.cid, b.bytes)
      const store = await reopen(first)
      await expectMissing(store, a.cid, 'deleted before reopen')
      await expectBlock(store, b, 'deleted then put again before reopen')
      await expectBlock(store, c, 'untouched')
      await store.delete(c.cid)
      const again = await reopen(store)
      await expectMissing(again, c.cid, 'deleted after the first reopen')
      await expectBlock(again, b, 'still there after the second reopen')
      return again
    }))

    it('spreads many blocks over rolled-over packs and reads them all after reopen', async () => withStore(factory, { maxPackSize: SMALL_PACK }, async (first) => {
      // Sizes vary, and one block is larger than a whole pack.
      const blocks = await Promise.all(Array.from({ length: 90 }, async (_, i) => makeBlock(i === 45 ? SMALL_PACK * 2 : 500 + (i * 997) % 7000, 500 + i)))
      await collectAll(first.putMany(blocks.map(({ cid, bytes }) => ({ cid, bytes }))))
      for (const block of blocks) await expectBlock(first, block, 'before reopen')
      let store = await reopen(first)
      for (const block of blocks) await expectBlock(store, block, 'after reopen')
      const deleted = blocks.filter((_, i) => i % 3 === 0)
      await collectAll(store.deleteMany(deleted.map((b) => b.cid)))
      const more = await Promise.all(Array.from({ length: 20 }, async (_, i) => makeBlock(3000 + i, 700 + i)))
      for (const block of more) await store.put(block.cid, block.bytes)
      store = await reopen(store)
      for (const block of deleted) await expectMissing(store, block.cid, 'deleted across packs')
      for (const block of [...blocks.filter((_, i) => i % 3 !== 0), ...more]) await expectBlock(store, block, 'kept across packs')
      equal((await collectAll(store.getAll())).length, blocks.length - deleted.length + more.length, 'getAll() across packs')
      return store
    }))
  }

  if (tearTail !== undefined) {
    for (const file of ['pack', 'journal'] as const) {
      it(`survives a torn ${file} tail: earlier blocks stay, the torn one is gone, the store still writes`, async () => withStore(factory, undefined, async (first) => {
        const blocks = await Promise.all([1, 2, 3].map(async (i) => makeBlock(1000 * i, 800 + i)))
        for (const block of blocks) await first.put(block.cid, block.bytes)
        const torn = blocks[2] as Block
        let store = await tearTail(first, file, 3)
        await expectBlock(store, blocks[0] as Block, 'first block after a torn tail')
        await expectBlock(store, blocks[1] as Block, 'second block after a torn tail')
        await expectMissing(store, torn.cid, 'the torn block')
        const fresh = await makeBlock(4321, 899)
        await store.put(fresh.cid, fresh.bytes)
        await store.put(torn.cid, torn.bytes)
        await expectBlock(store, fresh, 'written after recovery')
        await expectBlock(store, torn, 'torn block written again')
        if (reopen !== undefined) {
          store = await reopen(store)
          for (const block of [...blocks, fresh]) await expectBlock(store, block, 'after recovery and reopen')
        }
        return store
      }))
    }
  }
}
