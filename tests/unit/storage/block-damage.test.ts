import assert from 'node:assert/strict'
import { mkdtempSync, openSync, readSync, rmSync, truncateSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { BlockDamagedError, damagedCid } from '../../../core/storage/block-check.ts'
import { FILE_HEADER_LENGTH } from '../../../core/storage/pack-format.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { collectAll, collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { newestFile, openMemoryPackStore } from './memory-pack-store.ts'

const root = mkdtempSync(join(tmpdir(), 'cairn-damage-'))
after(() => { rmSync(root, { recursive: true, force: true }) })

async function threeBlocks (): Promise<Block[]> {
  return [await makeBlock(4000, 1), await makeBlock(5000, 2), await makeBlock(3000, 3)]
}

/** What reading `block` gives: its bytes, or the error's code and CID. */
async function readOutcome (store: PackBlockstore, block: Block): Promise<Uint8Array | { code: string, cid?: string }> {
  try {
    return await collectBytes(store.get(block.cid))
  } catch (err) {
    if (!isCairnError(err)) throw err
    return { code: err.code, ...(err instanceof BlockDamagedError ? { cid: err.cid.toString() } : {}) }
  }
}

describe('a damaged block in a pack file', () => {
  it('is refused at once as BLOCK_DAMAGED naming its CID; the other blocks still read', async () => {
    const { store, files } = await openMemoryPackStore()
    const blocks = await threeBlocks()
    await collectAll(store.putMany(blocks))
    // The second block starts right after the header and the first block.
    files.flipByte(await newestFile(files, 'pack'), FILE_HEADER_LENGTH + 4000 + 123)
    assert.deepEqual(await readOutcome(store, blocks[1] as Block), { code: 'BLOCK_DAMAGED', cid: blocks[1]?.cid.toString() })
    assert.deepEqual(await readOutcome(store, blocks[0] as Block), blocks[0]?.bytes)
    assert.deepEqual(await readOutcome(store, blocks[2] as Block), blocks[2]?.bytes)
    await store.stop()
  })

  it('checkAll reads every block and names exactly the damaged one', async () => {
    const { store, files } = await openMemoryPackStore()
    const blocks = await threeBlocks()
    await collectAll(store.putMany(blocks))
    files.flipByte(await newestFile(files, 'pack'), FILE_HEADER_LENGTH + 10)
    const checks = await collectAll(store.checkAll())
    assert.equal(checks.length, 3)
    assert.deepEqual(checks.filter(c => !c.sound).map(c => c.cid.toString()), [blocks[0]?.cid.toString()])
    assert.equal(checks.reduce((sum, c) => sum + c.length, 0), 12_000)
    await store.stop()
  })

  it('replace() appends a good copy that reads back, also after a restart; bad bytes are refused', async () => {
    const { store, files, init } = await openMemoryPackStore()
    const blocks = await threeBlocks()
    await collectAll(store.putMany(blocks))
    const damaged = blocks[1] as Block
    files.flipByte(await newestFile(files, 'pack'), FILE_HEADER_LENGTH + 4000 + 1)
    const wrong = damaged.bytes.slice()
    wrong[0] = (wrong[0] as number) ^ 1
    await assert.rejects(store.replace(damaged.cid, wrong), (err: unknown) => isCairnError(err, 'BLOCK_DAMAGED'))
    await store.replace(damaged.cid, damaged.bytes)
    assert.deepEqual(await readOutcome(store, damaged), damaged.bytes)
    assert.equal(store.stats().blocks, 3)
    assert.equal(store.stats().bytes, 12_000)
    await store.stop()
    const reopened = await openMemoryPackStore(init, files)
    for (const block of blocks) assert.deepEqual(await readOutcome(reopened.store, block), block.bytes)
    assert.deepEqual((await collectAll(reopened.store.checkAll())).filter(c => !c.sound), [])
    await reopened.store.stop()
  })

  it('on filesystem packs too: detected, then repaired in place', async () => {
    const directory = join(root, 'fs')
    const store = await createFsBlockstore(directory)
    const blocks = await threeBlocks()
    await collectAll(store.putMany(blocks))
    await store.flush()
    const pack = join(directory, '00000001.pack')
    const fd = openSync(pack, 'r+')
    const one = Buffer.alloc(1)
    const at = FILE_HEADER_LENGTH + 4000 + 5000 + 7
    readSync(fd, one, 0, 1, at)
    one[0] = (one[0] as number) ^ 0xff
    writeSync(fd, one, 0, 1, at)
    closeSync(fd)
    assert.deepEqual(await readOutcome(store, blocks[2] as Block), { code: 'BLOCK_DAMAGED', cid: blocks[2]?.cid.toString() })
    await store.replace((blocks[2] as Block).cid, (blocks[2] as Block).bytes)
    await store.stop()
    const reopened = await createFsBlockstore(directory)
    assert.deepEqual(await readOutcome(reopened, blocks[2] as Block), blocks[2]?.bytes)
    await reopened.stop()
  })

  it('a pack cut short under a running store: the lost block is BLOCK_DAMAGED naming it (so it can be repaired and named), the others read, replace() mends it', async () => {
    const directory = join(root, 'cut')
    const store = await createFsBlockstore(directory)
    const blocks = await threeBlocks()
    await collectAll(store.putMany(blocks))
    await store.flush()
    // The disk (or someone) cuts the pack in the middle of the third block while the desktop or the peer runs.
    truncateSync(join(directory, '00000001.pack'), FILE_HEADER_LENGTH + 4000 + 5000 + 1000)
    const lost = blocks[2] as Block
    await assert.rejects(collectBytes(store.get(lost.cid)), (err: unknown) => {
      assert.equal(damagedCid(err)?.toString(), lost.cid.toString())
      assert.match((err as Error).message, /00000001\.pack/)
      return true
    })
    assert.deepEqual(await readOutcome(store, blocks[0] as Block), blocks[0]?.bytes)
    assert.deepEqual(await readOutcome(store, blocks[1] as Block), blocks[1]?.bytes)
    assert.deepEqual((await collectAll(store.checkAll())).filter(c => !c.sound).map(c => c.cid.toString()), [lost.cid.toString()])
    await store.replace(lost.cid, lost.bytes)
    assert.deepEqual(await readOutcome(store, lost), lost.bytes)
    await store.stop()
    const reopened = await createFsBlockstore(directory)
    for (const block of blocks) assert.deepEqual(await readOutcome(reopened, block), block.bytes)
    await reopened.stop()
  })
})
