import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

const isQuota = (err: unknown): boolean => isCairnError(err, 'QUOTA_EXCEEDED')

async function makeBlocks (count: number, size: number, seed: number): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => makeBlock(size, seed + i)))
}

/** Puts 10 kB blocks one at a time until the store says it is full; returns the ones stored. */
async function fillUntilFull (store: PackBlockstore, seed: number): Promise<Block[]> {
  const stored: Block[] = []
  for (let i = 0; ; i++) {
    const block = await makeBlock(10_000, seed + i)
    try {
      await store.put(block.cid, block.bytes)
    } catch (err) {
      assert.ok(isQuota(err), `the store fills up with QUOTA_EXCEEDED, not ${String(err)}`)
      await store.flush()
      return stored
    }
    stored.push(block)
  }
}

/** Every block of `live` reads back byte for byte, and none of `gone` is there. */
async function assertHolds (store: PackBlockstore, live: Block[], gone: Block[], when: string): Promise<void> {
  for (const block of live) assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes, `${when}: a live block reads back`)
  for (const block of gone) assert.equal(store.has(block.cid), false, `${when}: a deleted block stays deleted`)
  assert.equal(store.stats().blocks, live.length, `${when}: live block count`)
  assert.equal((await collectAll(store.getAll())).length, live.length, `${when}: getAll`)
}

for (const async of [false, true]) {
  describe(`PackBlockstore compaction when storage is full (${async ? 'async' : 'sync'} files)`, () => {
    it('lets a put succeed once the user deleted what filled the store', async () => {
      const files = new MemoryPackFiles({ async, quotaBytes: 100_000 })
      const { store } = await openMemoryPackStore({}, files)
      const stored = await fillUntilFull(store, 1)
      assert.ok(stored.length >= 8, 'the store held blocks before it was full')
      await collectAll(store.deleteMany(stored.map((b) => b.cid)))

      const next = await makeBlock(10_000, 500)
      await store.put(next.cid, next.bytes)
      await assertHolds(store, [next], stored, 'after the put')
      assert.ok(files.usedBytes() < 30_000, `the deleted blocks' space was given back (${files.usedBytes()} bytes used)`)
      await store.stop()

      const { store: reopened } = await openMemoryPackStore({}, files)
      await assertHolds(reopened, [next], stored, 'after a restart')
      await reopened.stop()
    })

    it('frees a store that was left full of deleted blocks, after a restart', async () => {
      const files = new MemoryPackFiles({ async, quotaBytes: 100_000 })
      const { store } = await openMemoryPackStore({}, files)
      const stored = await fillUntilFull(store, 100)
      await store.stop()
      const { store: second } = await openMemoryPackStore({}, files)
      await collectAll(second.deleteMany(stored.map((b) => b.cid)))
      // Stopped at once: whatever compaction the deletes started is cut short.
      await second.stop()

      const { store: third } = await openMemoryPackStore({}, files)
      assert.equal(third.stats().blocks, 0)
      const more = await makeBlocks(5, 10_000, 600)
      for (const block of more) await third.put(block.cid, block.bytes)
      await assertHolds(third, more, stored, 'after the puts')
      await third.stop()
      const { store: fourth } = await openMemoryPackStore({}, files)
      await assertHolds(fourth, more, stored, 'after another restart')
      await fourth.stop()
    })

    it('makes room even when not one byte is free (the saved index gives way to the next pack)', async () => {
      const files = new MemoryPackFiles({ async, quotaBytes: 100_000 })
      const init = { flushDelayMs: 60_000 }
      const { store } = await openMemoryPackStore(init, files)
      const stored = await fillUntilFull(store, 900)
      await store.stop() // saves the index file
      const { store: second } = await openMemoryPackStore(init, files)
      for (const block of stored) await second.delete(block.cid)
      await second.flush()
      files.quotaBytes = files.usedBytes()

      const next = await makeBlock(10_000, 990)
      await second.put(next.cid, next.bytes)
      await assertHolds(second, [next], stored, 'after the put')
      await second.stop()
      const { store: third } = await openMemoryPackStore(init, files)
      await assertHolds(third, [next], stored, 'after a restart')
      await third.stop()
    })

    it('still reports QUOTA_EXCEEDED when nothing was deleted', async () => {
      const files = new MemoryPackFiles({ async, quotaBytes: 100_000 })
      const { store } = await openMemoryPackStore({}, files)
      const stored = await fillUntilFull(store, 200)
      const extra = await makeBlock(10_000, 300)
      await assert.rejects(store.put(extra.cid, extra.bytes), isQuota)
      await assertHolds(store, stored, [extra], 'after the refused put')
      await store.stop()
    })
  })
}

