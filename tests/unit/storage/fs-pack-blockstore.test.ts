import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { Blockstore } from 'interface-blockstore'
import { isCairnError } from '../../../core/errors.ts'
import type { PackBlockstore, PackBlockstoreInit } from '../../../core/storage/pack-blockstore.ts'
import { parseFileName } from '../../../core/storage/pack-format.ts'
import { INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import { toStorageError } from '../../../core/storage/storage-errors.ts'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'
import { collectBytes, makeBlock, type Block } from '../../contract/block-fixtures.ts'
import { runBlockstoreContract, type BlockstoreFactory } from '../../contract/blockstore-contract.ts'

const root = mkdtempSync(join(tmpdir(), 'cairn-fs-pack-'))
after(() => { rmSync(root, { recursive: true, force: true }) })
let dirs = 0

interface Opened { store: PackBlockstore, directory: string, init: PackBlockstoreInit }

/** The contract factory: every store gets its own directory under a temp root. */
function fsPackStoreFactory (): BlockstoreFactory {
  const opened = new WeakMap<Blockstore, Opened>()
  const lookup = (store: Blockstore): Opened => {
    const entry = opened.get(store)
    if (entry === undefined) throw new Error('not a store from this factory')
    return entry
  }
  const openOn = async (directory: string, init: PackBlockstoreInit): Promise<Blockstore> => {
    const store = await createFsBlockstore(directory, init)
    opened.set(store, { store, directory, init })
    return store
  }
  return {
    open: async (options) => openOn(join(root, `store-${++dirs}`), { maxPackSize: options?.maxPackSize }),
    reopen: async (store) => {
      const entry = lookup(store)
      await entry.store.stop()
      return openOn(entry.directory, entry.init)
    },
    tearTail: async (store, file, bytes) => {
      const entry = lookup(store)
      await entry.store.stop()
      const path = join(entry.directory, newestName(entry.directory, file === 'pack' ? 'pack' : 'jrnl'))
      truncateSync(path, statSync(path).size - bytes)
      for (const slot of INDEX_SLOTS) rmSync(join(entry.directory, slot), { force: true })
      return openOn(entry.directory, entry.init)
    },
    dispose: async (store) => {
      const entry = lookup(store)
      await entry.store.stop()
      rmSync(entry.directory, { recursive: true, force: true })
    }
  }
}

function newestName (directory: string, kind: 'pack' | 'jrnl'): string {
  const names = readdirSync(directory).filter((name) => parseFileName(name)?.kind === kind).sort()
  const name = names[names.length - 1]
  if (name === undefined) throw new Error(`no ${kind} file in ${directory}`)
  return name
}

runBlockstoreContract('PackBlockstore on Node fs files', fsPackStoreFactory(), { describe, it })

runBlockstoreContract('DurableBlockstore over the fs PackBlockstore', durableFactory(fsPackStoreFactory()), { describe, it })

/** The same stores, each behind a DurableBlockstore (reopen and tearTail act on the store inside). */
function durableFactory (inner: BlockstoreFactory): BlockstoreFactory {
  const unwrap = (store: Blockstore): Blockstore => (store as DurableBlockstore).inner
  const wrap = (store: Blockstore): Blockstore => new DurableBlockstore(store as PackBlockstore)
  return {
    open: async (options) => wrap(await inner.open(options)),
    reopen: async (store) => wrap(await (inner.reopen as NonNullable<BlockstoreFactory['reopen']>)(unwrap(store))),
    tearTail: async (store, file, bytes) => wrap(await (inner.tearTail as NonNullable<BlockstoreFactory['tearTail']>)(unwrap(store), file, bytes)),
    dispose: async (store) => { await inner.dispose?.(unwrap(store)) }
  }
}

describe('FsPackFiles', () => {
  it('locks a name while it is open, and frees it on close', async () => {
    const files = new FsPackFiles(join(root, `files-${++dirs}`))
    const file = await files.open('00000001.pack')
    await assert.rejects(files.open('00000001.pack'), (err: NodeJS.ErrnoException) => err.code === 'EBUSY')
    await assert.rejects(files.remove('00000001.pack'), (err: NodeJS.ErrnoException) => err.code === 'EBUSY')
    assert.deepEqual(files.openFiles(), ['00000001.pack'])
    await file.close()
    assert.throws(() => file.size(), (err: NodeJS.ErrnoException) => err.code === 'EBADF')
    assert.deepEqual(files.openFiles(), [])
    await files.remove('00000001.pack')
    await files.remove('00000001.pack') // no error when already gone
    assert.deepEqual(await files.list(), [])
  })

  it('reads short at the end of a file, writes at any offset, truncates and zero-extends', async () => {
    const files = new FsPackFiles(join(root, `files-${++dirs}`))
    const file = await files.open('a')
    assert.equal(await file.write(0, new Uint8Array([1, 2, 3, 4])), 4)
    assert.equal(await file.write(6, new Uint8Array([9])), 1)
    assert.equal(await file.size(), 7)
    assert.deepEqual(await file.read(2, 100), new Uint8Array([3, 4, 0, 0, 9]))
    assert.deepEqual(await file.read(50, 10), new Uint8Array(0))
    await file.truncate(2)
    assert.deepEqual(await file.read(0, 10), new Uint8Array([1, 2]))
    await file.truncate(4)
    assert.deepEqual(await file.read(0, 10), new Uint8Array([1, 2, 0, 0]))
    await file.flush()
    await file.close()
    assert.deepEqual(await files.list(), ['a'])
  })

  it('refuses names that would leave its directory', async () => {
    const files = new FsPackFiles(join(root, `files-${++dirs}`))
    for (const name of ['../x', 'a/b', '..', '']) {
      await assert.rejects(files.open(name), (err: NodeJS.ErrnoException) => err.code === 'EINVAL', name)
    }
  })

  it('surfaces a full disk as ENOSPC, which the store maps to QUOTA_EXCEEDED', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
    const directory = join(root, `files-${++dirs}`)
    const files = new FsPackFiles(directory)
    // /dev/full answers every write with ENOSPC, as a full disk does.
    symlinkSync('/dev/full', join(directory, 'full.pack'))
    const file = await files.open('full.pack')
    let failure: unknown
    try {
      await file.write(0, new Uint8Array(4096))
    } catch (err) {
      failure = err
    } finally {
      await file.close()
    }
    assert.equal((failure as NodeJS.ErrnoException | undefined)?.code, 'ENOSPC')
    assert.ok(isCairnError(toStorageError(failure, 'store a block'), 'QUOTA_EXCEEDED'))
  })

  it('DurableBlockstore: a put is on disk when it resolves, with no flush (a kill -9 right after keeps it)', async () => {
    const directory = join(root, `store-${++dirs}`)
    // A flush delay far beyond the test: only the wrapper can have made the writes durable.
    const inner = await createFsBlockstore(directory, { flushDelayMs: 60_000 })
    const store = new DurableBlockstore(inner)
    const [kept, gone, many] = await Promise.all([1, 2, 3].map(async (i) => makeBlock(5000 * i, 60 + i))) as [Block, Block, Block]
    await store.put(gone.cid, gone.bytes)
    await Promise.all([store.put(kept.cid, kept.bytes), store.delete(gone.cid)])
    for await (const cid of store.putMany([many])) assert.ok(cid.equals(many.cid))
    const seen = await createFsBlockstore(directory)
    try {
      assert.deepEqual(await collectBytes(seen.get(kept.cid)), kept.bytes)
      assert.deepEqual(await collectBytes(seen.get(many.cid)), many.bytes)
      assert.equal(seen.has(gone.cid), false, 'the delete is durable too')
    } finally {
      await seen.stop()
      await store.stop()
    }
    // And the control: the bare store with the same delay leaves a lone put unrecorded.
    const bareDir = join(root, `store-${++dirs}`)
    const bare = await createFsBlockstore(bareDir, { flushDelayMs: 60_000 })
    await bare.put(kept.cid, kept.bytes)
    const peek = await createFsBlockstore(bareDir)
    assert.equal(peek.has(kept.cid), false, 'without the wrapper the put is not yet durable')
    await peek.stop()
    await bare.stop()
  })

  it('keeps blocks written without stop() once flushed (what a kill -9 leaves)', async () => {
    const directory = join(root, `store-${++dirs}`)
    const store = await createFsBlockstore(directory)
    const blocks = await Promise.all([10, 70_000, 1 << 20].map(async (n, i) => makeBlock(n, 40 + i)))
    for (const block of blocks) await store.put(block.cid, block.bytes)
    await store.flush()
    // No stop(): the descriptors stay open, as if the process had died.
    const again = await createFsBlockstore(directory)
    try {
      for (const block of blocks) assert.deepEqual(await collectBytes(again.get(block.cid)), block.bytes)
      assert.equal(again.stats().blocks, 3)
    } finally {
      await again.stop()
      await store.stop()
    }
  })
})
