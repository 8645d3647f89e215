import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isCairnError } from '../../../core/errors.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import type { PackFile, PackFiles } from '../../../core/storage/pack-files.ts'
import { parseFileName } from '../../../core/storage/pack-format.ts'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'
import { collectBytes, makeBlock } from '../../contract/block-fixtures.ts'

const root = mkdtempSync(join(tmpdir(), 'cairn-fs-pack-pieces-'))
after(() => { rmSync(root, { recursive: true, force: true }) })
let dirs = 0

/** `bytes` cut into pieces of `size` (the last shorter), as a block arrives off a stream. */
function cut (bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = []
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size))
  return pieces
}

/** Counts the pack's `writeMany` calls and can fail the next one part-way (half its bytes land, then ENOSPC). */
class CountingPackFiles implements PackFiles {
  writeManyCalls = 0
  failNext = false

  constructor (readonly inner: FsPackFiles) {}

  async open (name: string): Promise<PackFile> {
    const file = await this.inner.open(name)
    if (parseFileName(name)?.kind !== 'pack') return file
    const writeMany = file.writeMany?.bind(file) as NonNullable<PackFile['writeMany']>
    return {
      size: () => file.size(),
      read: (offset, length) => file.read(offset, length),
      write: (offset, bytes) => file.write(offset, bytes),
      truncate: (size) => file.truncate(size),
      flush: () => file.flush(),
      close: () => file.close(),
      writeMany: async (offset, pieces) => {
        this.writeManyCalls++
        if (this.failNext) {
          this.failNext = false
          await writeMany(offset, pieces.slice(0, pieces.length >> 1))
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        }
        return await writeMany(offset, pieces)
      }
    }
  }

  async list (): Promise<string[]> { return await this.inner.list() }
  async remove (name: string): Promise<void> { await this.inner.remove(name) }
}

describe('FsPackFiles.writeMany: a block stored from its pieces', () => {
  it('writes the pieces back to back, in order with the file\'s other calls, small and large', async () => {
    const files = new FsPackFiles(join(root, `files-${++dirs}`))
    const file = await files.open('a')
    const big = (await makeBlock(1024 * 1024 + 7, 1)).bytes
    const writing = file.writeMany?.(10, [big.subarray(0, 3), new Uint8Array(0), ...cut(big.subarray(3), 65_536)])
    assert.ok(writing instanceof Promise, 'a block-sized write goes to the thread pool')
    const small = file.writeMany?.(0, [Uint8Array.of(1, 2), Uint8Array.of(3)])
    assert.equal(await writing, big.length)
    assert.equal(await small, 3)
    const bytes = await file.read(0, 10 + big.length)
    await file.close()
    assert.deepEqual(bytes.subarray(0, 3), Uint8Array.of(1, 2, 3))
    assert.deepEqual(bytes.subarray(10), big)
  })

  it('rejects on a full disk with ENOSPC', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
    const directory = join(root, `files-${++dirs}`)
    const files = new FsPackFiles(directory)
    symlinkSync('/dev/full', join(directory, 'full.pack'))
    const file = await files.open('full.pack')
    try {
      await assert.rejects(async () => { await file.writeMany?.(0, cut(new Uint8Array(256 * 1024), 65_536)) }, (err: NodeJS.ErrnoException) => err.code === 'ENOSPC')
    } finally {
      await file.close()
    }
  })
})

describe('PackBlockstore: a put in pieces', () => {
  it('stores the block with one writeMany, reads back byte for byte, and is durable across a reopen', async () => {
    const directory = join(root, `store-${++dirs}`)
    const files = new CountingPackFiles(new FsPackFiles(directory))
    const store = new DurableBlockstore(new PackBlockstore({ files }))
    await store.start()
    const block = await makeBlock(1024 * 1024, 2)
    await store.put(block.cid, cut(block.bytes, 60_000))
    assert.equal(files.writeManyCalls, 1)
    assert.deepEqual(await collectBytes(store.get(block.cid)), block.bytes)
    await store.stop()

    const reopened = new PackBlockstore({ files: new FsPackFiles(directory) })
    await reopened.start()
    try {
      assert.deepEqual(await collectBytes(reopened.get(block.cid)), block.bytes)
    } finally {
      await reopened.stop()
    }
  })

  it('a put in pieces that fills the disk part-way fails with QUOTA_EXCEEDED, cuts what landed and indexes nothing; the next put lands in its place', async () => {
    const directory = join(root, `store-${++dirs}`)
    const files = new CountingPackFiles(new FsPackFiles(directory))
    const store = new DurableBlockstore(new PackBlockstore({ files }))
    await store.start()
    const [earlier, failed, later] = [await makeBlock(300_000, 3), await makeBlock(1024 * 1024, 4), await makeBlock(500_000, 5)]
    await store.put(earlier.cid, cut(earlier.bytes, 65_536))
    const size = statSync(join(directory, '00000001.pack')).size
    files.failNext = true
    await assert.rejects(store.put(failed.cid, cut(failed.bytes, 65_536)), (err: unknown) => isCairnError(err, 'QUOTA_EXCEEDED'))
    assert.equal(store.has(failed.cid), false)
    assert.equal(statSync(join(directory, '00000001.pack')).size, size, 'the half-written block was cut off')
    await store.put(later.cid, cut(later.bytes, 65_536))
    assert.deepEqual(await collectBytes(store.get(later.cid)), later.bytes)
    assert.deepEqual(await collectBytes(store.get(earlier.cid)), earlier.bytes)
    await store.stop()
  })
})
