import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import type { PackFile, PackFiles } from '../../../core/storage/pack-files.ts'
import { FILE_HEADER_LENGTH, RECORD_FIXED_LENGTH, parseFileName } from '../../../core/storage/pack-format.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { openMemoryPackStore } from './memory-pack-store.ts'

async function makeBlocks (count: number, size: (i: number) => number, seed = 0): Promise<Block[]> {
  return Promise.all(Array.from({ length: count }, async (_, i) => makeBlock(size(i), seed + i)))
}

async function readBack (store: PackBlockstore, block: Block): Promise<Uint8Array> {
  return collectBytes(store.get(block.cid))
}

async function packNames (files: MemoryPackFiles): Promise<string[]> {
  return (await files.list()).filter((n) => parseFileName(n)?.kind === 'pack').sort()
}

describe('PackBlockstore', () => {
  it('rolls over to a new pack before one would pass maxPackSize', async () => {
    const { store, files } = await openMemoryPackStore({ maxPackSize: 10_000 })
    const blocks = await makeBlocks(30, () => 3000)
    await collectAll(store.putMany(blocks))
    const names = await packNames(files)
    // Three 3000-byte blocks fit after the 8-byte header; a fourth would not.
    assert.equal(names.length, 10)
    for (const name of names) assert.ok(files.bytes(name).length <= 10_000, `${name} is within the limit`)
    assert.deepEqual(store.stats(), { blocks: 30, bytes: 90_000, packs: 10, packBytes: 90_000 + 10 * FILE_HEADER_LENGTH })
    for (const block of blocks) assert.deepEqual(await readBack(store, block), block.bytes)
    await store.stop()
  })

  it('writes nothing for a block it already holds', async () => {
    const { store, files } = await openMemoryPackStore()
    const block = await makeBlock(5000, 1)
    await store.put(block.cid, block.bytes)
    await store.flush()
    const used = files.usedBytes()
    let consumed = false
    await store.put(block.cid, (function * () { consumed = true; yield block.bytes })())
    await store.flush()
    assert.equal(files.usedBytes(), used)
    assert.equal(consumed, false, 'a duplicate block is not even read')
    await store.stop()
  })

  it('makes a lone put durable only on flush (or its timer), and putMany at its end', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ flushDelayMs: 60_000 }, files)
    const [a, b, c] = await makeBlocks(3, () => 1000) as [Block, Block, Block]
    await store.put(a.cid, a.bytes)
    assert.equal(files.bytes('00000001.jrnl').length, FILE_HEADER_LENGTH, 'nothing journaled before a flush')
    await store.flush()
    const journaled = files.bytes('00000001.jrnl').length
    assert.equal(journaled, FILE_HEADER_LENGTH + RECORD_FIXED_LENGTH + a.cid.bytes.length)
    await collectAll(store.putMany([b, c]))
    assert.equal(files.bytes('00000001.jrnl').length, journaled + 2 * (RECORD_FIXED_LENGTH + b.cid.bytes.length))
    await store.stop()
  })

  it('flushes a lone put by itself after flushDelayMs', async () => {
    const { store, files } = await openMemoryPackStore({ flushDelayMs: 5 })
    const block = await makeBlock(100, 2)
    await store.put(block.cid, block.bytes)
    const deadline = Date.now() + 2000
    while (files.bytes('00000001.jrnl').length === FILE_HEADER_LENGTH && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    assert.ok(files.bytes('00000001.jrnl').length > FILE_HEADER_LENGTH, 'the timer flushed the journal')
    await store.stop()
  })

  for (const lose of ['unflushed', 'nothing'] as const) {
    it(`after a crash (${lose} lost), keeps every flushed block and drops the rest cleanly`, async () => {
      const files = new MemoryPackFiles()
      const { store } = await openMemoryPackStore({ flushDelayMs: 60_000, maxPackSize: 8000 }, files)
      const flushed = await makeBlocks(6, (i) => 1500 + i)
      const unflushed = await makeBlocks(3, (i) => 1700 + i, 50)
      await collectAll(store.putMany(flushed))
      await store.delete((flushed[0] as Block).cid)
      for (const block of unflushed) await store.put(block.cid, block.bytes)
      files.crash(lose)

      const { store: after } = await openMemoryPackStore({ maxPackSize: 8000 }, files)
      // The delete was never flushed either, so the block it removed is back.
      for (const block of flushed) assert.deepEqual(await readBack(after, block), block.bytes)
      for (const block of unflushed) assert.equal(after.has(block.cid), false)
      if (lose === 'nothing') {
        // The unflushed blocks' bytes were on disk but never journaled: recovery cut them off.
        assert.ok((after.recovery?.truncatedPackBytes ?? 0) > 0)
      }
      const fresh = await makeBlock(2000, 99)
      await after.put(fresh.cid, fresh.bytes)
      await after.stop()
      const { store: again } = await openMemoryPackStore({}, files)
      assert.deepEqual(await readBack(again, fresh), fresh.bytes)
      assert.equal(again.stats().blocks, flushed.length + 1)
      await again.stop()
    })
  }

  it('recovers from a journal cut at every byte: the survivors are a prefix, intact, and the store writes on', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const blocks = await makeBlocks(4, (i) => 40 + i * 10, 10)
    await collectAll(store.putMany(blocks))
    await store.delete((blocks[1] as Block).cid)
    await store.stop()
    const journal = files.bytes('00000001.jrnl')
    const pack = files.bytes('00000001.pack')
    for (let cut = 0; cut <= journal.length; cut++) {
      const copy = await cloneWith({ '00000001.jrnl': journal.subarray(0, cut), '00000001.pack': pack })
      const { store: s } = await openMemoryPackStore({}, copy)
      // Records: put 0..3, then the tombstone of block 1; a cut keeps the whole records before it.
      const recordLength = RECORD_FIXED_LENGTH + (blocks[0] as Block).cid.bytes.length
      const kept = cut < FILE_HEADER_LENGTH ? 0 : Math.floor((cut - FILE_HEADER_LENGTH) / recordLength)
      for (const [i, block] of blocks.entries()) {
        const expected = i < Math.min(kept, 4) && !(kept === 5 && i === 1)
        assert.equal(s.has(block.cid), expected, `cut ${cut}: block ${i}`)
        if (expected) assert.deepEqual(await readBack(s, block), block.bytes)
      }
      const extra = await makeBlock(33, 1000 + cut)
      await s.put(extra.cid, extra.bytes)
      await s.stop()
      const { store: reopened } = await openMemoryPackStore({}, copy)
      assert.deepEqual(await readBack(reopened, extra), extra.bytes, `cut ${cut}: written after recovery`)
      await reopened.stop()
    }
  })

  it('a flipped bit mid-way in a journal costs the one record it hit, in a sealed pack and in the newest, at every byte', async () => {
    const files = new MemoryPackFiles()
    // 200-byte blocks, four to a pack: pack 1 is sealed when pack 2 begins.
    const { store } = await openMemoryPackStore({ maxPackSize: 1000 }, files)
    const blocks = await makeBlocks(7, () => 200, 40)
    await collectAll(store.putMany(blocks))
    await store.stop()
    const recordLength = RECORD_FIXED_LENGTH + (blocks[0] as Block).cid.bytes.length
    // Packs and journals only: without the saved index file the store rebuilds from the journals.
    const original = Object.fromEntries((await files.list()).filter(name => parseFileName(name) !== undefined).map(name => [name, files.bytes(name)] as const))
    for (const [journalName, inPack] of [['00000001.jrnl', [0, 1, 2, 3]], ['00000002.jrnl', [4, 5, 6]]] as const) {
      const journal = original[journalName] as Uint8Array
      for (let at = FILE_HEADER_LENGTH; at < journal.length; at++) {
        const flipped = journal.slice()
        flipped[at] = (flipped[at] as number) ^ 0x10
        const copy = await cloneWith({ ...original, [journalName]: flipped })
        const { store: s } = await openMemoryPackStore({ maxPackSize: 1000 }, copy)
        const hit = inPack[Math.floor((at - FILE_HEADER_LENGTH) / recordLength)] as number
        for (const [i, block] of blocks.entries()) {
          assert.equal(s.has(block.cid), i !== hit, `${journalName} byte ${at}: block ${i}`)
          if (i !== hit) assert.deepEqual(await readBack(s, block), block.bytes)
        }
        assert.equal(s.recovery?.droppedRecords, 1, `${journalName} byte ${at}: one record lost`)
        // The store writes on, and what it wrote is there after the next open.
        const extra = await makeBlock(150, 2000 + at)
        await s.put(extra.cid, extra.bytes)
        await s.stop()
        const { store: reopened } = await openMemoryPackStore({ maxPackSize: 1000 }, copy)
        assert.deepEqual(await readBack(reopened, extra), extra.bytes)
        for (const [i, block] of blocks.entries()) assert.equal(reopened.has(block.cid), i !== hit, `${journalName} byte ${at}, reopened: block ${i}`)
        await reopened.stop()
      }
    }
  })

  it('a byte changed in a pack\'s or a journal\'s header costs no block: the header is mended, the report names the file', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ maxPackSize: 1000 }, files)
    const blocks = await makeBlocks(7, () => 200, 140)
    await collectAll(store.putMany(blocks))
    await store.stop()
    const original = Object.fromEntries(await Promise.all((await files.list()).map(async name => [name, files.bytes(name)] as const)))
    for (const name of ['00000001.pack', '00000001.jrnl', '00000002.pack', '00000002.jrnl']) {
      for (let at = 0; at < FILE_HEADER_LENGTH; at++) {
        // A change that reads as a newer format version is refused instead (the next test).
        const flipped = (original[name] as Uint8Array).slice()
        flipped[at] = (flipped[at] as number) ^ (at === 4 ? 0x01 : 0xff)
        const copy = await cloneWith({ ...original, [name]: flipped })
        const { store: s } = await openMemoryPackStore({ maxPackSize: 1000 }, copy)
        for (const block of blocks) assert.deepEqual(await readBack(s, block), block.bytes, `${name} byte ${at}`)
        assert.deepEqual(s.recovery?.repairedHeaders, [name], `${name} byte ${at}`)
        const extra = await makeBlock(150, 3000 + at)
        await s.put(extra.cid, extra.bytes)
        await s.stop()
        assert.deepEqual(copy.bytes(name).subarray(0, FILE_HEADER_LENGTH), (original[name] as Uint8Array).subarray(0, FILE_HEADER_LENGTH))
        const { store: reopened } = await openMemoryPackStore({ maxPackSize: 1000 }, copy)
        for (const block of [...blocks, extra]) assert.deepEqual(await readBack(reopened, block), block.bytes, `${name} byte ${at}, reopened`)
        assert.deepEqual(reopened.recovery?.repairedHeaders, [])
        await reopened.stop()
      }
    }
  })

  it('a header zeroed in a pack or a journal (a lost disk block) costs no block: the header is mended, with or without a saved index', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ maxPackSize: 1000 }, files)
    const blocks = await makeBlocks(7, () => 200, 160)
    await collectAll(store.putMany(blocks))
    await store.stop()
    const original = Object.fromEntries(await Promise.all((await files.list()).map(async name => [name, files.bytes(name)] as const)))
    for (const name of ['00000001.pack', '00000001.jrnl', '00000002.pack', '00000002.jrnl']) {
      for (const savedIndex of [true, false]) {
        const zeroed = (original[name] as Uint8Array).slice()
        zeroed.fill(0, 0, FILE_HEADER_LENGTH)
        const contents = Object.fromEntries(Object.entries({ ...original, [name]: zeroed }).filter(([file]) => savedIndex || parseFileName(file) !== undefined))
        const copy = await cloneWith(contents)
        const { store: s } = await openMemoryPackStore({ maxPackSize: 1000 }, copy)
        for (const block of blocks) assert.deepEqual(await readBack(s, block), block.bytes, `${name} zeroed, saved index ${savedIndex}`)
        await s.stop()
        assert.deepEqual(copy.bytes(name).subarray(0, FILE_HEADER_LENGTH), (original[name] as Uint8Array).subarray(0, FILE_HEADER_LENGTH), `${name} mended`)
      }
    }
  })

  it('refuses a pack file of a newer format version, touching nothing', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const block = await makeBlock(100, 7)
    await store.put(block.cid, block.bytes)
    await store.stop()
    const newer = files.bytes('00000001.jrnl').slice()
    newer[4] = 2
    const copy = await cloneWith({ '00000001.pack': files.bytes('00000001.pack'), '00000001.jrnl': newer })
    await assert.rejects(openMemoryPackStore({}, copy), (err) => isCairnError(err, 'STORAGE_FAILED'))
    assert.deepEqual(copy.bytes('00000001.jrnl'), newer)
  })

  it('damage skipped in the newest journal stays skipped: a later torn tail cuts only itself', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const first = await makeBlocks(4, () => 300, 60)
    for (const block of first) await store.put(block.cid, block.bytes)
    await store.flush()
    // The tab closes without a clean stop (no index file), and a bit flips in the record of block 1.
    files.crash('nothing')
    const recordLength = RECORD_FIXED_LENGTH + (first[0] as Block).cid.bytes.length
    files.flipByte('00000001.jrnl', FILE_HEADER_LENGTH + recordLength + 30)
    const { store: second } = await openMemoryPackStore({}, files)
    assert.deepEqual(first.map(b => second.has(b.cid)), [true, false, true, true])
    // More is stored and flushed; then a crash tears the last write.
    const more = await makeBlocks(3, () => 300, 70)
    for (const block of more) await second.put(block.cid, block.bytes)
    await second.flush()
    const torn = await makeBlock(300, 80)
    await second.put(torn.cid, torn.bytes)
    await second.flush()
    files.crash('nothing')
    files.truncateFile('00000001.jrnl', files.bytes('00000001.jrnl').length - 5)
    const { store: third } = await openMemoryPackStore({}, files)
    for (const block of [first[0], first[2], first[3], ...more] as Block[]) assert.deepEqual(await readBack(third, block), block.bytes)
    assert.equal(third.has(torn.cid), false)
    await third.stop()
  })

  it('recovers from a pack cut at every byte of its last blocks', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({}, files)
    const blocks = await makeBlocks(3, () => 50, 20)
    await collectAll(store.putMany(blocks))
    await store.stop()
    const journal = files.bytes('00000001.jrnl')
    const pack = files.bytes('00000001.pack')
    for (let cut = FILE_HEADER_LENGTH; cut <= pack.length; cut++) {
      const copy = await cloneWith({ '00000001.jrnl': journal, '00000001.pack': pack.subarray(0, cut) })
      const { store: s } = await openMemoryPackStore({}, copy)
      const whole = Math.floor((cut - FILE_HEADER_LENGTH) / 50)
      for (const [i, block] of blocks.entries()) {
        assert.equal(s.has(block.cid), i < whole, `cut ${cut}: block ${i}`)
        if (i < whole) assert.deepEqual(await readBack(s, block), block.bytes)
      }
      assert.equal(s.recovery?.droppedRecords, 3 - whole, `cut ${cut}: dropped records`)
      await s.stop()
      assert.equal(copy.bytes('00000001.pack').length, FILE_HEADER_LENGTH + whole * 50, `cut ${cut}: torn bytes cut off`)
    }
  })

  it('serves reads from many packs with few handles open', async () => {
    const files = new MemoryPackFiles({ async: true })
    const { store } = await openMemoryPackStore({ maxPackSize: 2000, maxOpenPacks: 2 }, files)
    const blocks = await makeBlocks(40, () => 900, 30)
    await collectAll(store.putMany(blocks))
    const shuffled = [...blocks].sort((a, b) => (a.bytes[7] ?? 0) - (b.bytes[7] ?? 0))
    const read = await Promise.all(shuffled.map(async (b) => readBack(store, b)))
    for (const [i, bytes] of read.entries()) assert.deepEqual(bytes, (shuffled[i] as Block).bytes)
    assert.ok(files.openFiles().length <= 3, `open files: ${files.openFiles().join(', ')}`)
    await store.stop()
    assert.deepEqual(files.openFiles(), [])
  })

  it('reports a pack that lost bytes under it as BLOCK_DAMAGED (like any damage), not as wrong data', async () => {
    const inner = new MemoryPackFiles()
    let shortReads = false
    const files: PackFiles = {
      list: async () => inner.list(),
      remove: async (name) => inner.remove(name),
      open: async (name) => {
        const file = await inner.open(name)
        const shortened: PackFile = {
          ...file,
          read: async (offset, length) => {
            const bytes = await file.read(offset, length)
            return shortReads ? bytes.subarray(0, Math.max(0, bytes.length - 1)) : bytes
          }
        }
        return shortened
      }
    }
    const store = new PackBlockstore({ files })
    await store.start()
    const block = await makeBlock(100, 3)
    await store.put(block.cid, block.bytes)
    shortReads = true
    await assert.rejects(collectBytes(store.get(block.cid)), (err) => isCairnError(err, 'BLOCK_DAMAGED'))
    shortReads = false
    await store.stop()
  })

  it('refuses files of another format instead of overwriting them', async () => {
    const files = new MemoryPackFiles()
    const file = await files.open('00000001.jrnl')
    await file.write(0, new TextEncoder().encode('not a journal at all'))
    await file.close()
    const store = new PackBlockstore({ files })
    await assert.rejects(store.start(), (err) => isCairnError(err, 'STORAGE_FAILED'))
    assert.deepEqual(files.openFiles(), [])
    assert.equal(new TextDecoder().decode(files.bytes('00000001.jrnl')), 'not a journal at all')
  })

  it('refuses journals swapped between packs (or renamed) instead of emptying them: swapped back, every block is there', async () => {
    const files = new MemoryPackFiles()
    const { store } = await openMemoryPackStore({ maxPackSize: 1000 }, files)
    const blocks = await makeBlocks(10, () => 200, 180)
    await collectAll(store.putMany(blocks))
    await store.stop()
    const original = Object.fromEntries(await Promise.all((await files.list()).map(async name => [name, files.bytes(name)] as const)))
    for (const [a, b] of [['00000001.jrnl', '00000002.jrnl'], ['00000002.jrnl', '00000003.jrnl']] as const) {
      // No saved index (one that fits would serve the blocks without reading the journals).
      const swapped = Object.fromEntries(Object.entries({ ...original, [a]: original[b], [b]: original[a] }).filter(([name]) => parseFileName(name) !== undefined))
      const copy = await cloneWith(swapped as Record<string, Uint8Array>)
      const opening = new PackBlockstore({ files: copy }, { maxPackSize: 1000 })
      await assert.rejects(opening.start(), (err) => isCairnError(err, 'STORAGE_FAILED') && (err as Error).message.includes(a))
      assert.deepEqual(copy.openFiles(), [])
      const back = await cloneWith({ ...Object.fromEntries(await Promise.all((await copy.list()).map(async name => [name, copy.bytes(name)] as const))), [a]: copy.bytes(b), [b]: copy.bytes(a) })
      const { store: s } = await openMemoryPackStore({ maxPackSize: 1000 }, back)
      for (const block of blocks) assert.deepEqual(await readBack(s, block), block.bytes, `${a} and ${b} swapped back`)
      await s.stop()
    }
  })

  it('refuses to work before start()', async () => {
    const store = new PackBlockstore({ files: new MemoryPackFiles() })
    const block = await makeBlock(1, 4)
    assert.throws(() => store.has(block.cid), (err) => isCairnError(err, 'STORAGE_FAILED'))
    await assert.rejects(store.put(block.cid, block.bytes), (err) => isCairnError(err, 'STORAGE_FAILED'))
  })

  it('counts live blocks and bytes in stats()', async () => {
    const { store } = await openMemoryPackStore()
    const blocks = await makeBlocks(5, (i) => 100 * (i + 1), 40)
    await collectAll(store.putMany(blocks))
    assert.deepEqual({ ...store.stats(), packBytes: 0 }, { blocks: 5, bytes: 1500, packs: 1, packBytes: 0 })
    await store.delete((blocks[4] as Block).cid)
    assert.equal(store.stats().blocks, 4)
    assert.equal(store.stats().bytes, 1000)
    assert.equal(store.stats().packBytes, FILE_HEADER_LENGTH + 1500, 'deleted bytes stay in the pack until compaction')
    await store.stop()
  })
})

/** A fresh MemoryPackFiles holding exactly `contents`. */
async function cloneWith (contents: Record<string, Uint8Array>): Promise<MemoryPackFiles> {
  const copy = new MemoryPackFiles()
  for (const [name, bytes] of Object.entries(contents)) {
    const file = await copy.open(name)
    await file.write(0, bytes)
    await file.close()
  }
  return copy
}
