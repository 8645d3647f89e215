import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { decodeIndexFile, encodeIndexFile, INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import { hashKey, PackIndex, type BlockLocation } from '../../../core/storage/pack-index.ts'
import { collectAll, collectBytes, makeBlock, pseudoRandomBytes, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

/** A CIDv1 (raw, sha2-256) with a made-up digest: the index never hashes block bytes. */
function fakeCid (seed: number): CID {
  return CID.createV1(0x55, Digest.create(0x12, pseudoRandomBytes(32, seed + 1)))
}

function locationOf (cid: CID, i: number): BlockLocation {
  return { pack: 1 + (i % 7), offset: 8 + i * 1000 + 0x1_0000_0000 * (i % 3), length: 100 + i, cid: cid.bytes }
}

async function makeBlocks (count: number, seed: number): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => makeBlock(300 + i, seed + i)))
}

async function savedSlots (files: MemoryPackFiles): Promise<string[]> {
  return (await files.list()).filter((name) => (INDEX_SLOTS as readonly string[]).includes(name))
}

describe('PackIndex', () => {
  it('finds every present key and no absent one, through puts, deletes and re-puts (against a Map)', () => {
    const index = new PackIndex()
    const model = new Map<number, BlockLocation>()
    const cids = Array.from({ length: 3000 }, (_, i) => fakeCid(i))
    let x = 12345
    const next = (n: number): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x % n }
    for (let step = 0; step < 20_000; step++) {
      const i = next(cids.length)
      const cid = cids[i] as CID
      if (next(3) === 0) {
        assert.deepEqual(index.delete(cid.multihash.bytes), model.get(i))
        model.delete(i)
      } else {
        const location = locationOf(cid, step)
        index.set(cid.multihash.bytes, location)
        model.set(i, location)
      }
    }
    assert.equal(index.size, model.size)
    cids.forEach((cid, i) => {
      assert.equal(index.has(cid.multihash.bytes), model.has(i))
      assert.deepEqual(index.get(cid.multihash.bytes), model.get(i))
    })
    for (let i = 0; i < 500; i++) assert.equal(index.has(fakeCid(1_000_000 + i).multihash.bytes), false)
    assert.equal(index.bytes, [...model.values()].reduce((sum, l) => sum + l.length, 0))
    assert.equal(index.locations().length, model.size)
  })

  it('tells apart two keys with the same 32-bit hash', () => {
    const byHash = new Map<number, number>()
    let pair: [number, number] | undefined
    for (let seed = 0; pair === undefined; seed++) {
      const hash = hashKey(fakeCid(seed).multihash.bytes)
      const other = byHash.get(hash)
      if (other !== undefined) pair = [other, seed]
      byHash.set(hash, seed)
    }
    const [a, b] = pair.map(fakeCid) as [CID, CID]
    const index = new PackIndex()
    index.set(a.multihash.bytes, locationOf(a, 1))
    assert.equal(index.has(b.multihash.bytes), false, 'same hash, other key: absent')
    index.set(b.multihash.bytes, locationOf(b, 2))
    assert.equal(index.get(a.multihash.bytes)?.length, 101)
    assert.equal(index.get(b.multihash.bytes)?.length, 102)
    index.delete(a.multihash.bytes)
    assert.equal(index.has(a.multihash.bytes), false)
    assert.equal(index.get(b.multihash.bytes)?.length, 102)
  })

  it('finds a CIDv0 block by its CIDv1 and back (keyed by multihash)', () => {
    const v1 = CID.createV1(0x70, fakeCid(5).multihash)
    const v0 = v1.toV0()
    const index = new PackIndex()
    index.set(v0.multihash.bytes, locationOf(v0, 1))
    assert.equal(index.has(v1.multihash.bytes), true)
    assert.deepEqual(index.get(v1.multihash.bytes)?.cid, v0.bytes)
  })

  it('round-trips through an index file; any flipped byte or lost tail makes the file unusable', async () => {
    const index = new PackIndex()
    const cids = Array.from({ length: 200 }, (_, i) => fakeCid(i))
    cids.forEach((cid, i) => { index.set(cid.multihash.bytes, locationOf(cid, i)) })
    for (const cid of cids.slice(0, 50)) index.delete(cid.multihash.bytes)
    const bytes = await encodeIndexFile(index, new Map([[1, 1234]]), 7) as Uint8Array
    const saved = await decodeIndexFile(bytes)
    assert.ok(saved !== undefined)
    assert.equal(saved.generation, 7)
    assert.equal(saved.packs.get(1)?.covered, 1234)
    assert.deepEqual(saved.index.locations().sort(byOffset), index.locations().sort(byOffset))
    assert.deepEqual([...saved.index.packUsage()].sort(), [...index.packUsage()].sort())
    for (const at of [0, 9, 20, 40, bytes.length - 40, bytes.length - 1]) {
      const damaged = bytes.slice()
      damaged[at] = (damaged[at] as number) ^ 1
      assert.equal(await decodeIndexFile(damaged), undefined, `byte ${at} flipped`)
    }
    for (const length of [0, 31, bytes.length - 1]) assert.equal(await decodeIndexFile(bytes.subarray(0, length)), undefined)
  })
})

describe('PackBlockstore with a saved index', () => {
  it('saves its index at stop and opens from it without replaying the journals', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ maxPackSize: 4000 }, files)
    const blocks = await makeBlocks(30, 1)
    await collectAll(store.putMany(blocks))
    await store.delete((blocks[0] as Block).cid)
    await store.stop()
    assert.equal((await savedSlots(files)).length, 1)

    const { store: reopened } = await openMemoryPackStore({ maxPackSize: 4000 }, files)
    assert.equal(reopened.recovery?.savedIndex, true)
    assert.equal(reopened.recovery?.replayedRecords, 0)
    assert.equal(reopened.has((blocks[0] as Block).cid), false)
    for (const block of blocks.slice(1)) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
    // Appends go on at the pack's end, not over a block the saved index named.
    const more = await makeBlocks(5, 100)
    await collectAll(reopened.putMany(more))
    for (const block of [...blocks.slice(1), ...more]) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
    await reopened.stop()
    assert.equal((await savedSlots(files)).length, 2, 'the next save went to the other slot')
  })

  for (const damage of ['flipped', 'truncated', 'emptied'] as const) {
    it(`rebuilds from the journals when the index file is ${damage}, and saves a sound one`, async () => {
      const files = new MemoryPackFiles()
      const { store } = await openMemoryPackStore({}, files)
      const blocks = await makeBlocks(20, 200)
      await collectAll(store.putMany(blocks))
      await store.stop()
      const [slot] = await savedSlots(files) as [string]
      const length = files.bytes(slot).length
      if (damage === 'flipped') files.flipByte(slot, Math.floor(length / 2))
      else files.truncateFile(slot, damage === 'truncated' ? length - 1 : 0)

      const { store: reopened } = await openMemoryPackStore({}, files)
      assert.equal(reopened.recovery?.savedIndex, false)
      assert.equal(reopened.recovery?.replayedRecords, blocks.length)
      for (const block of blocks) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
      await reopened.stop()
      const { store: again } = await openMemoryPackStore({}, files)
      assert.equal(again.recovery?.savedIndex, true)
      assert.equal(again.stats().blocks, blocks.length)
      await again.stop()
    })
  }

  it('falls back to the older slot when the newer index file is damaged, and replays what came after it', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const first = await makeBlocks(8, 700)
    await collectAll(store.putMany(first))
    await store.stop()
    const { store: second } = await openMemoryPackStore({}, files)
    const more = await makeBlocks(5, 800)
    await collectAll(second.putMany(more))
    await second.stop()
    // Generation 2 went to slot 0 (generation 1 is in slot 1).
    files.flipByte(INDEX_SLOTS[0], 40)

    const { store: reopened } = await openMemoryPackStore({}, files)
    assert.equal(reopened.recovery?.savedIndex, true)
    assert.equal(reopened.recovery?.replayedRecords, more.length)
    for (const block of [...first, ...more]) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
    await reopened.stop()
  })

  it('keeps the blocks an index file names that the journal no longer has, proven by their bytes, and journals them again', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const blocks = await makeBlocks(10, 300)
    await collectAll(store.putMany(blocks))
    await store.stop()
    // The journal lost its last record (as a restore of an older copy would leave it).
    const journal = files.bytes('00000001.jrnl')
    files.truncateFile('00000001.jrnl', journal.length - 1)

    const { store: reopened } = await openMemoryPackStore({}, files)
    assert.equal(reopened.recovery?.savedIndex, true)
    assert.deepEqual(reopened.recovery?.salvagedJournals, ['00000001.jrnl'])
    assert.equal(reopened.stats().blocks, blocks.length)
    await reopened.stop()
    for (const slot of await savedSlots(files)) await files.remove(slot)
    const { store: rebuilt } = await openMemoryPackStore({}, files)
    assert.equal(rebuilt.recovery?.savedIndex, false)
    for (const block of blocks) assert.deepEqual(await collectBytes(rebuilt.get(block.cid)), block.bytes)
    await rebuilt.stop()
  })

  it('forgets an index file it rejected: blocks stored after the rebuild survive a crash before the next save', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
    const old = await makeBlocks(4, 900)
    await collectAll(store.putMany(old))
    await store.stop()
    // The pack loses its last block (a damaged disk): the saved index no longer fits it.
    const pack = files.bytes('00000001.pack')
    files.truncateFile('00000001.pack', pack.length - 1)

    const { store: rebuilt } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
    assert.equal(rebuilt.recovery?.savedIndex, false)
    assert.deepEqual(await savedSlots(files), [], 'the rejected index file is gone')
    // The user goes on: new blocks, flushed, then the process is killed before any save.
    const fresh = await makeBlocks(3, 950)
    await collectAll(rebuilt.putMany(fresh))
    await rebuilt.flush()
    files.crash('unflushed')

    const { store: after } = await openMemoryPackStore({}, files)
    assert.equal(after.recovery?.savedIndex, false, 'the journals, not the stale file, rebuilt the index')
    for (const block of [...old.slice(0, -1), ...fresh]) assert.deepEqual(await collectBytes(after.get(block.cid)), block.bytes)
    // The lost block is not claimed, so adding its file again stores it again.
    const lost = old.at(-1) as Block
    assert.equal(after.has(lost.cid), false)
    await after.put(lost.cid, lost.bytes)
    assert.deepEqual(await collectBytes(after.get(lost.cid)), lost.bytes)
    await after.stop()
  })

  for (const lose of ['unflushed', 'nothing'] as const) {
    it(`loses no flushed block to a crash after the index was saved (${lose} lost)`, async () => {
      const files = new MemoryPackFiles()
      const { store } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
      const before = await makeBlocks(10, 400)
      await collectAll(store.putMany(before))
      await store.stop()

      const { store: second } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
      const flushed = await makeBlocks(6, 500)
      const unflushed = await makeBlocks(3, 600)
      await collectAll(second.putMany(flushed))
      await second.delete((before[0] as Block).cid)
      await second.flush()
      for (const block of unflushed) await second.put(block.cid, block.bytes)
      files.crash(lose)

      const { store: after } = await openMemoryPackStore({}, files)
      assert.equal(after.recovery?.savedIndex, true)
      assert.equal(after.recovery?.replayedRecords, flushed.length + 1)
      assert.equal(after.has((before[0] as Block).cid), false)
      for (const block of [...before.slice(1), ...flushed]) assert.deepEqual(await collectBytes(after.get(block.cid)), block.bytes)
      for (const block of unflushed) assert.equal(after.has(block.cid), false)
      await after.stop()
    })
  }
})

function byOffset (a: BlockLocation, b: BlockLocation): number {
  return a.pack - b.pack || a.offset - b.offset
}
