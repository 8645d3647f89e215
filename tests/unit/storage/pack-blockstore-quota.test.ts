import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { QuotaExceededError, isCairnError } from '../../../core/errors.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { isQuotaError, toStorageError } from '../../../core/storage/storage-errors.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

const isQuota = (err: unknown): boolean => isCairnError(err, 'QUOTA_EXCEEDED') && err instanceof QuotaExceededError

async function makeBlocks (count: number, size: number, seed: number): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => makeBlock(size, seed + i)))
}

for (const async of [false, true]) {
  describe(`PackBlockstore when storage is full (${async ? 'async' : 'sync'} files)`, () => {
    it('fails the put with QUOTA_EXCEEDED, cuts the partial write, and stays consistent across reopen', async () => {
      const files = new MemoryPackFiles({ async })
      const { store } = await openMemoryPackStore({}, files)
      const earlier = await makeBlocks(3, 10_000, 1)
      await collectAll(store.putMany(earlier))
      const used = files.usedBytes()
      const stats = store.stats()
      files.quotaBytes = used + 5000

      const big = await makeBlock(10_000, 9)
      await assert.rejects(store.put(big.cid, big.bytes), isQuota)
      assert.equal(files.usedBytes(), used, 'the half-written block was cut off')
      assert.equal(store.has(big.cid), false)
      assert.deepEqual(store.stats(), stats)
      for (const block of earlier) assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes)

      // Small blocks still fit, and the store goes on working.
      const small = await makeBlock(1000, 10)
      await store.put(small.cid, small.bytes)
      await store.stop()

      files.quotaBytes = Number.POSITIVE_INFINITY
      const { store: reopened } = await openMemoryPackStore({}, files)
      assert.deepEqual(reopened.recovery, { packs: 1, droppedRecords: 0, skippedJournalBytes: 0, truncatedJournalBytes: 0, truncatedPackBytes: 0, savedIndex: true, replayedRecords: 0, repairedHeaders: [], salvagedJournals: [], salvagedBlocks: 0 })
      for (const block of [...earlier, small]) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
      await reopened.put(big.cid, big.bytes)
      assert.deepEqual(await collectBytes(reopened.get(big.cid)), big.bytes)
      await reopened.stop()
    })

    it('keeps journal records pending when the journal write hits the quota, and writes them once there is room', async () => {
      const files = new MemoryPackFiles({ async })
      const { store } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
      const [a, b] = await makeBlocks(2, 2000, 20) as [Block, Block]
      await store.put(a.cid, a.bytes)
      await store.flush()
      // Room for b's bytes but not for its journal record.
      files.quotaBytes = files.usedBytes() + b.bytes.length + 10
      await store.put(b.cid, b.bytes)
      await assert.rejects(store.flush(), isQuota)
      assert.deepEqual(await collectBytes(store.get(b.cid)), b.bytes, 'still readable in this session')
      files.quotaBytes = Number.POSITIVE_INFINITY
      await store.flush()
      await store.stop()
      const { store: reopened } = await openMemoryPackStore({}, files)
      assert.deepEqual(await collectBytes(reopened.get(b.cid)), b.bytes, 'journaled by the retried flush')
      await reopened.stop()
    })

    it('loses only the unjournaled block when the store closes while full', async () => {
      const files = new MemoryPackFiles({ async })
      const { store } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
      const [a, b] = await makeBlocks(2, 2000, 30) as [Block, Block]
      await store.put(a.cid, a.bytes)
      await store.flush()
      files.quotaBytes = files.usedBytes() + b.bytes.length + 10
      await store.put(b.cid, b.bytes)
      await assert.rejects(store.stop(), isQuota)
      assert.deepEqual(files.openFiles(), [], 'stop() closed the files even though its flush failed')
      files.quotaBytes = Number.POSITIVE_INFINITY
      const { store: reopened } = await openMemoryPackStore({}, files)
      assert.deepEqual(await collectBytes(reopened.get(a.cid)), a.bytes)
      assert.equal(reopened.has(b.cid), false)
      assert.equal(reopened.recovery?.truncatedPackBytes, b.bytes.length)
      await reopened.stop()
    })

    it('fails a roll-over that cannot create the next pack, and rolls over later', async () => {
      const files = new MemoryPackFiles({ async })
      const { store } = await openMemoryPackStore({ maxPackSize: 5000 }, files)
      const [a, b] = await makeBlocks(2, 4000, 40) as [Block, Block]
      await store.put(a.cid, a.bytes)
      await store.flush()
      files.quotaBytes = files.usedBytes() + 4
      await assert.rejects(store.put(b.cid, b.bytes), isQuota)
      files.quotaBytes = Number.POSITIVE_INFINITY
      await store.put(b.cid, b.bytes)
      await store.stop()
      const { store: reopened } = await openMemoryPackStore({ maxPackSize: 5000 }, files)
      for (const block of [a, b]) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
      assert.equal(reopened.stats().packs, 2)
      await reopened.stop()
    })
  })
}

describe('storage error mapping', () => {
  it('treats browser and Node "disk full" errors as QUOTA_EXCEEDED and the rest as STORAGE_FAILED', () => {
    const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
    assert.equal(isQuotaError(new DOMException('full', 'QuotaExceededError')), true)
    assert.equal(isQuotaError(enospc), true)
    assert.equal(isQuotaError(new DOMException('locked', 'NoModificationAllowedError')), false)
    assert.equal(toStorageError(enospc, 'write').code, 'QUOTA_EXCEEDED')
    assert.equal(toStorageError(new Error('EIO'), 'write').code, 'STORAGE_FAILED')
  })
})
