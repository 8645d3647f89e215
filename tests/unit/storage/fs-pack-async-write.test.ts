import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { NotFoundError } from 'interface-store'
import { isCairnError } from '../../../core/errors.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import type { PackFile, PackFiles } from '../../../core/storage/pack-files.ts'
import { parseFileName } from '../../../core/storage/pack-format.ts'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { ASYNC_WRITE_MIN_BYTES, FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'
import { collectBytes, makeBlock } from '../../contract/block-fixtures.ts'

const root = mkdtempSync(join(tmpdir(), 'cairn-fs-pack-async-'))
after(() => { rmSync(root, { recursive: true, force: true }) })
let dirs = 0
const BIG = ASYNC_WRITE_MIN_BYTES * 4

/**
 * Real files, with the pack's block writes held at a gate the test opens,
 * or failed part-way with ENOSPC (half the bytes land first, as on a disk
 * that fills mid-write).
 */
class GatedPackFiles implements PackFiles {
  gate: Promise<void> | undefined
  failNext = false
  started = 0

  constructor (readonly inner: FsPackFiles) {}

  async open (name: string): Promise<PackFile> {
    const file = await this.inner.open(name)
    if (parseFileName(name)?.kind !== 'pack') return file
    return {
      size: () => file.size(),
      read: (offset, length) => file.read(offset, length),
      truncate: (size) => file.truncate(size),
      flush: () => file.flush(),
      close: () => file.close(),
      write: async (offset, bytes) => {
        if (bytes.length < ASYNC_WRITE_MIN_BYTES) return await file.write(offset, bytes)
        this.started++
        await this.gate
        if (this.failNext) {
          this.failNext = false
          await file.write(offset, bytes.subarray(0, bytes.length >> 1))
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        }
        return await file.write(offset, bytes)
      }
    }
  }

  async list (): Promise<string[]> { return await this.inner.list() }
  async remove (name: string): Promise<void> { await this.inner.remove(name) }
}

function packPath (directory: string): string {
  return join(directory, '00000001.pack')
}

async function until (condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}

describe('FsPackFiles: block writes on the thread pool', () => {
  it('keeps calls on one file in order, and close() waits for a write in flight', async () => {
    const directory = join(root, `files-${++dirs}`)
    const files = new FsPackFiles(directory)
    const file = await files.open('a')
    const big = (await makeBlock(BIG, 1)).bytes
    const writing = file.write(0, big)
    assert.ok(writing instanceof Promise, 'a block-sized write does not block the event loop')
    // Made while the write is in flight: each acts after it, in call order.
    const small = file.write(0, new Uint8Array([7, 7, 7]))
    const cut = file.truncate(BIG - 10)
    const closing = file.close()
    assert.equal(await writing, BIG)
    assert.equal(await small, 3)
    await cut
    await closing
    assert.deepEqual(files.openFiles(), [])
    const again = await files.open('a')
    const bytes = await again.read(0, BIG)
    await again.close()
    assert.equal(bytes.length, BIG - 10)
    assert.deepEqual(bytes.subarray(0, 3), new Uint8Array([7, 7, 7]))
    assert.deepEqual(bytes.subarray(3), big.subarray(3, BIG - 10))
  })

  it('rejects a block write on a full disk with ENOSPC', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
    const directory = join(root, `files-${++dirs}`)
    const files = new FsPackFiles(directory)
    symlinkSync('/dev/full', join(directory, 'full.pack'))
    const file = await files.open('full.pack')
    try {
      await assert.rejects(async () => { await file.write(0, new Uint8Array(BIG)) }, (err: NodeJS.ErrnoException) => err.code === 'ENOSPC')
    } finally {
      await file.close()
    }
  })
})

describe('PackBlockstore on Node files while a block write is in flight', () => {
  it('names the block only once its bytes are written: has() is false, get() not found, other blocks readable', async () => {
    const directory = join(root, `store-${++dirs}`)
    const files = new GatedPackFiles(new FsPackFiles(directory))
    const store = new DurableBlockstore(new PackBlockstore({ files }))
    await store.start()
    const [earlier, block] = [await makeBlock(BIG, 2), await makeBlock(BIG, 3)]
    await store.put(earlier.cid, earlier.bytes)
    let open!: () => void
    files.gate = new Promise((resolve) => { open = resolve })

    let stored = false
    const put = store.put(block.cid, block.bytes).then(() => { stored = true })
    const twin = store.put(block.cid, block.bytes)
    await until(() => files.started === 2)
    assert.equal(store.has(block.cid), false, 'not in the store until its put resolves')
    await assert.rejects(collectBytes(store.get(block.cid)), (err: Error) => err instanceof NotFoundError || err.name === 'NotFoundError')
    assert.deepEqual(await collectBytes(store.get(earlier.cid)), earlier.bytes, 'reads of stored blocks do not wait for the write')
    assert.equal(stored, false)

    open()
    await Promise.all([put, twin])
    assert.equal(store.has(block.cid), true)
    assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes)
    assert.equal(store.inner.stats().blocks, 2, 'the concurrent put of the same block stored it once')
    assert.equal(files.started, 2)

    // Durable when the put resolved: a second store on the directory (a restart after kill -9) finds both.
    const seen = new PackBlockstore({ files: new FsPackFiles(directory) })
    await seen.start()
    try {
      assert.deepEqual(await collectBytes(seen.get(block.cid)), block.bytes)
      assert.equal(seen.stats().blocks, 2)
    } finally {
      await seen.stop()
      await store.stop()
    }
  })

  it('fails a put whose write hits a full disk with QUOTA_EXCEEDED, cuts the half-written bytes, and indexes nothing', async () => {
    const directory = join(root, `store-${++dirs}`)
    const files = new GatedPackFiles(new FsPackFiles(directory))
    const store = new DurableBlockstore(new PackBlockstore({ files }))
    await store.start()
    const [earlier, failed, later] = [await makeBlock(BIG, 4), await makeBlock(BIG, 5), await makeBlock(BIG, 6)]
    await store.put(earlier.cid, earlier.bytes)
    const size = statSync(packPath(directory)).size
    const stats = store.inner.stats()

    files.failNext = true
    await assert.rejects(store.put(failed.cid, failed.bytes), (err: unknown) => isCairnError(err, 'QUOTA_EXCEEDED'))
    assert.equal(store.has(failed.cid), false)
    assert.deepEqual(store.inner.stats(), stats)
    assert.equal(statSync(packPath(directory)).size, size, 'the half-written block was cut off')

    // The store goes on: the next block lands where the failed one would have.
    await store.put(later.cid, later.bytes)
    assert.equal(statSync(packPath(directory)).size, size + later.bytes.length)
    await store.stop()

    const reopened = new PackBlockstore({ files: new FsPackFiles(directory) })
    await reopened.start()
    try {
      assert.equal(reopened.recovery?.droppedRecords, 0)
      assert.equal(reopened.recovery?.truncatedPackBytes, 0)
      assert.equal(reopened.has(failed.cid), false)
      assert.deepEqual(await collectBytes(reopened.get(earlier.cid)), earlier.bytes)
      assert.deepEqual(await collectBytes(reopened.get(later.cid)), later.bytes)
    } finally {
      await reopened.stop()
    }
  })
})
