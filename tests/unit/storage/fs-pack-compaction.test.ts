import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { collectBytes, makeBlock } from '../../contract/block-fixtures.ts'

const root = mkdtempSync(join(tmpdir(), 'cairn-fs-compaction-'))
after(() => { rmSync(root, { recursive: true, force: true }) })

/** Bytes the directory's files take. */
function bytesOnDisk (directory: string): number {
  let total = 0
  for (const name of readdirSync(directory)) total += statSync(join(directory, name)).size
  return total
}

describe('compaction on Node files (the backup peer and the desktop app)', () => {
  it('deletes the pack files of deleted blocks, so the directory shrinks, and the rest reads back after a restart', async () => {
    const directory = join(root, 'store')
    const init = { maxPackSize: 100_000 }
    // The backup peer's store: every delete durable on return.
    const store = new DurableBlockstore(await createFsBlockstore(directory, init))
    const blocks = await Promise.all(Array.from({ length: 30 }, async (_, i) => makeBlock(30_000, 1 + i)))
    for (const block of blocks) await store.put(block.cid, block.bytes)
    const full = bytesOnDisk(directory)
    assert.ok(full > 30 * 30_000)

    // The peer's retention drops most of the vault's blocks.
    const gone = blocks.slice(0, 24)
    for (const block of gone) await store.delete(block.cid)
    await store.inner.compacted()

    const names = readdirSync(directory)
    assert.equal(names.includes('00000001.pack'), false, 'the first pack file is gone from the disk')
    assert.equal(names.includes('00000001.jrnl'), false, 'and its journal')
    assert.ok(bytesOnDisk(directory) < full / 3, `the directory shrank from ${full} to ${bytesOnDisk(directory)} bytes`)
    const live = blocks.slice(24)
    for (const block of live) assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes)
    await store.stop()

    const reopened = await createFsBlockstore(directory, init)
    try {
      assert.equal(reopened.recovery?.savedIndex, true)
      assert.equal(reopened.stats().blocks, live.length)
      for (const block of live) assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
      for (const block of gone) assert.equal(reopened.has(block.cid), false)
    } finally {
      await reopened.stop()
    }
  })
})
