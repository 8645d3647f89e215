import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { parseFileName } from '../../../core/storage/pack-format.ts'
import { INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

async function makeBlocks (count: number, size: number, seed: number): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => makeBlock(size, seed + i)))
}

/** Pack numbers of the pack files in `files`. */
async function packsOn (files: MemoryPackFiles): Promise<number[]> {
  return (await files.list()).flatMap((name) => {
    const parsed = parseFileName(name)
    return parsed?.kind === 'pack' ? [parsed.pack] : []
  }).sort((a, b) => a - b)
}

/** Every block of `live` reads back byte for byte, and none of `gone` is there. */
async function assertHolds (store: PackBlockstore, live: Block[], gone: Block[], when: string): Promise<void> {
  for (const block of live) assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes, `${when}: a live block reads back`)
  for (const block of gone) assert.equal(store.has(block.cid), false, `${when}: a deleted block stays deleted`)
  assert.equal(store.stats().blocks, live.length, `${when}: live block count`)
  assert.equal((await collectAll(store.getAll())).length, live.length, `${when}: getAll`)
}

describe('PackBlockstore compaction after deletes', () => {
  // 3000-byte blocks, three to a 10 000-byte pack.
  const init = { maxPackSize: 10_000 }

  it('removes a sealed pack left at most half live, and every live block still reads back, also after a restart', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore(init, files)
    const blocks = await makeBlocks(12, 3000, 1)
    await collectAll(store.putMany(blocks))
    assert.deepEqual(await packsOn(files), [1, 2, 3, 4])
    const before = store.stats().packBytes
    // Pack 1 keeps one block of three; pack 2 keeps two (more than half: left alone).
    const gone = [blocks[0], blocks[1], blocks[3]] as Block[]
    await collectAll(store.deleteMany(gone.map((b) => b.cid)))
    await store.compacted()

    const live = blocks.filter((b) => !gone.includes(b))
    assert.deepEqual(await packsOn(files), [2, 3, 4, 5], 'pack 1 removed, its live block copied on')
    assert.equal((await files.list()).includes('00000001.jrnl'), false, 'its journal removed too')
    assert.ok(store.stats().packBytes < before, 'the store takes less space')
    await assertHolds(store, live, gone, 'after compaction')
    await store.stop()

    const { store: reopened } = await openMemoryPackStore(init, files)
    assert.equal(reopened.recovery?.savedIndex, true, 'the saved index fits the packs left')
    await assertHolds(reopened, live, gone, 'after a restart')
    await reopened.stop()

    // The journals alone (no saved index) say the same.
    for (const name of INDEX_SLOTS) await files.remove(name)
    const { store: rebuilt } = await openMemoryPackStore(init, files)
    assert.equal(rebuilt.recovery?.savedIndex, false)
    await assertHolds(rebuilt, live, gone, 'after a rebuild from the journals')
    await rebuilt.stop()
  })

  it('rolls a mostly dead active pack over and removes it', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const blocks = await makeBlocks(10, 3000, 20)
    await collectAll(store.putMany(blocks))
    const gone = blocks.slice(0, 6)
    await collectAll(store.deleteMany(gone.map((b) => b.cid)))
    await store.compacted()
    assert.deepEqual(await packsOn(files), [2])
    assert.ok(files.usedBytes() < 4 * 3000 + 1000, `only the live blocks take space (${files.usedBytes()} bytes used)`)
    await assertHolds(store, blocks.slice(6), gone, 'after compaction')
    await store.stop()
    const { store: reopened } = await openMemoryPackStore({}, files)
    await assertHolds(reopened, blocks.slice(6), gone, 'after a restart')
    await reopened.stop()
  })

  it('never brings back a block whose tombstone was in the journal of a removed pack', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore(init, files)
    const [a, b, c, d, e, f, g] = await makeBlocks(7, 3000, 40) as [Block, Block, Block, Block, Block, Block, Block]
    await collectAll(store.putMany([a, b, c, d, e, f])) // pack 1: a b c, pack 2: d e f
    // Written while pack 2 is active: the tombstone of a (in pack 1, still two thirds live) sits in journal 2.
    await collectAll(store.deleteMany([a.cid]))
    await collectAll(store.putMany([g])) // pack 3
    await collectAll(store.deleteMany([d.cid, e.cid, f.cid]))
    await store.compacted()
    assert.deepEqual(await packsOn(files), [1, 3], 'pack 2 (all dead) removed, pack 1 kept')
    await assertHolds(store, [b, c, g], [a, d, e, f], 'after compaction')
    await store.stop()

    for (const name of INDEX_SLOTS) await files.remove(name)
    const { store: rebuilt } = await openMemoryPackStore(init, files)
    await assertHolds(rebuilt, [b, c, g], [a, d, e, f], 'after a rebuild from the journals')
    await rebuilt.stop()
  })

  it('serves a getAll that began before compaction moved its blocks', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore(init, files)
    const blocks = await makeBlocks(9, 3000, 60)
    await collectAll(store.putMany(blocks))
    const gone = [blocks[0], blocks[1]] as Block[]
    const live = blocks.slice(2)
    const reader = store.getAll()
    const first = await reader.next()
    if (first.done === true) throw new Error('getAll listed nothing')
    await collectAll(store.deleteMany(gone.map((b) => b.cid)))
    await store.compact()
    assert.equal((await files.list()).includes('00000001.pack'), false)
    const seen = new Map<string, Uint8Array>()
    const pairs = [first.value, ...await collectAll({ [Symbol.asyncIterator]: () => reader })]
    for (const { cid, bytes } of pairs) {
      try {
        seen.set(cid.toString(), await collectBytes(bytes))
      } catch (err) {
        // A block the reader listed and the deletes then removed is simply gone.
        assert.ok(gone.some((b) => b.cid.equals(cid)), `only deleted blocks fail (${String(err)})`)
      }
    }
    for (const block of live) assert.deepEqual(seen.get(block.cid.toString()), block.bytes)
    await store.stop()
  })
})
