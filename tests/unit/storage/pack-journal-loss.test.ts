import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { FILE_HEADER_LENGTH } from '../../../core/storage/pack-format.ts'
import { INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

/**
 * A journal lost or emptied behind the store (a cleaner, a damaged disk, a
 * restore that missed it) while the saved index still knows the pack's
 * blocks: the intact ones survive, deleted ones stay deleted.
 */

async function makeBlocks (count: number, seed: number): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => makeBlock(1000 + i, seed + i)))
}

async function assertHolds (store: PackBlockstore, live: Block[], gone: Block[]): Promise<void> {
  for (const block of live) assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes, `${block.cid.toString()} is readable`)
  for (const block of gone) assert.equal(store.has(block.cid), false, `${block.cid.toString()} stays deleted`)
  assert.equal(store.stats().blocks, live.length)
}

async function loseJournal (files: MemoryPackFiles, name: string, how: 'deleted' | 'emptied' | 'zeroed'): Promise<void> {
  if (how === 'deleted') return await files.remove(name)
  if (how === 'emptied') return files.truncateFile(name, 0)
  // Zeros where the journal was, as a file whose blocks were never written back reads after a crash.
  const file = await files.open(name)
  await file.write(0, new Uint8Array(await file.size()))
  await file.flush()
  await file.close()
}

/** Three packs of three blocks; one block of pack 1 deleted while pack 3 was active (its tombstone is in journal 3). */
async function threePacks (files: MemoryPackFiles): Promise<{ live: Block[], gone: Block[] }> {
  const { store } = await openMemoryPackStore({ maxPackSize: 3400 }, files)
  const blocks = await makeBlocks(9, 10)
  await collectAll(store.putMany(blocks))
  assert.equal(store.stats().packs, 3)
  const gone = [blocks[1] as Block, blocks[7] as Block]
  await collectAll(store.deleteMany(gone.map((block) => block.cid)))
  await store.stop()
  return { live: blocks.filter((block) => !gone.includes(block)), gone }
}

describe('PackBlockstore with a lost journal', () => {
  for (const how of ['deleted', 'emptied', 'zeroed'] as const) {
    for (const pack of [1, 2, 3]) {
      it(`keeps the intact blocks of pack ${pack} when its journal is ${how}, and deleted blocks stay deleted`, async () => {
        const files = new MemoryPackFiles()
        const { live, gone } = await threePacks(files)
        const packBytes = files.bytes(`0000000${pack}.pack`).length
        await loseJournal(files, `0000000${pack}.jrnl`, how)

        const { store } = await openMemoryPackStore({ maxPackSize: 3400 }, files)
        await assertHolds(store, live, gone)
        assert.equal(files.bytes(`0000000${pack}.pack`).length, packBytes, 'the pack keeps its blocks')
        // The store writes on, and what it salvaged lasts: it is in the journals again.
        const more = await makeBlocks(2, 50)
        await collectAll(store.putMany(more))
        await store.stop()
        for (const slot of INDEX_SLOTS) if ((await files.list()).includes(slot)) await files.remove(slot)
        const { store: rebuilt } = await openMemoryPackStore({ maxPackSize: 3400 }, files)
        assert.equal(rebuilt.recovery?.savedIndex, false)
        await assertHolds(rebuilt, [...live, ...more], gone)
        await rebuilt.stop()
      })
    }
  }

  it('drops a block whose bytes no longer match its hash, so it can be stored again', async () => {
    const files = new MemoryPackFiles()
    const { live, gone } = await threePacks(files)
    // The first block of pack 2 (blocks[3]) is damaged too.
    files.flipByte('00000002.pack', FILE_HEADER_LENGTH + 10)
    await files.remove('00000002.jrnl')

    const { store } = await openMemoryPackStore({ maxPackSize: 3400 }, files)
    const damaged = live.find((block) => block.bytes.length === 1003) as Block
    await assertHolds(store, live.filter((block) => block !== damaged), [...gone, damaged])
    await store.put(damaged.cid, damaged.bytes)
    assert.deepEqual(await collectBytes(store.get(damaged.cid)), damaged.bytes)
    await store.stop()
  })
})
