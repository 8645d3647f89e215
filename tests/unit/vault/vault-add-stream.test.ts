import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import { allBlocks, type Cleanups, hashTag, randomBytes, readAll, rejectsWith, startVault } from './share-test-support.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

/** `bytes` as a stream of `piece`-byte chunks, the way a network read delivers them. */
function streamOf (bytes: Uint8Array, piece = 100_000): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    pull (controller) {
      if (at >= bytes.length) { controller.close(); return }
      controller.enqueue(bytes.slice(at, at + piece))
      at += piece
    }
  })
}

/** A stream that gives `bytes`, then fails as a dropped connection does. */
function failingAfter (bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false
  return new ReadableStream({
    pull (controller) {
      if (!sent) { sent = true; controller.enqueue(bytes); return }
      controller.error(new TypeError('network error'))
    }
  })
}

describe('adding a file from a stream (a share being received)', () => {
  it('stores it encrypted and reads back equal, with progress up to its size', async () => {
    const { vault } = await startVault(cleanups)
    const content = randomBytes(3 * 1024 * 1024 + 11)
    const progress: number[] = []
    const added = await vault.files().addStream({
      stream: streamOf(content), size: content.length, path: 'Shared with me/photo.jpg', mtime: 5, type: 'image/jpeg', onProgress: (done) => { progress.push(done) }
    })
    assert.equal(added.deduplicated, false)
    assert.deepEqual([added.file.path, added.file.size, added.file.type], ['Shared with me/photo.jpg', content.length, 'image/jpeg'])
    assert.equal(progress.at(-1), content.length)
    assert.ok(progress.every((done, i) => done <= content.length && (i === 0 || done >= (progress[i - 1] ?? 0))), 'progress only grows, never past the size')
    assert.deepEqual(await readAll(vault.files().open(added.file.fileId).stream), content)
  })

  it('finds the same dedup tag as a Blob upload: content already in the vault keeps nothing new, either way round', async () => {
    const { vault, blockstore } = await startVault(cleanups)
    const content = randomBytes(2 * 1024 * 1024)
    const fromBlob = await vault.files().add({ file: new Blob([content]), path: 'mine.bin', mtime: 1, type: '' })
    const blocks = await allBlocks(blockstore)
    const received = await vault.files().addStream({ stream: streamOf(content), size: content.length, path: 'received.bin', mtime: 2, type: '' })
    assert.equal(received.deduplicated, true)
    assert.equal(received.file.cid, fromBlob.file.cid)
    // Only index blocks may be new: the content was not stored twice.
    const added = [...await allBlocks(blockstore)].filter(b => !blocks.has(b))
    assert.ok(added.length <= 2, `${added.length} new blocks`)

    const other = randomBytes(500_000)
    const first = await vault.files().addStream({ stream: streamOf(other), size: other.length, path: 'first.bin', mtime: 3, type: '' })
    const again = await vault.files().add({ file: new Blob([other]), path: 'again.bin', mtime: 4, type: '' })
    assert.equal(again.deduplicated, true)
    assert.equal(again.file.cid, first.file.cid)
    assert.deepEqual(vault.files().list().map(f => f.path).sort(), ['again.bin', 'first.bin', 'mine.bin', 'received.bin'])
  })

  it('a host that reads large files once (the desktop) gets the same tag from that one read: duplicates are found either way', async () => {
    let calls = 0
    const counting: TagHasher = Object.assign(async (key: Uint8Array, file: Blob) => { calls++; return await hashTag(key, file) }, { readLargeFilesOnce: true })
    const { vault, blockstore } = await startVault(cleanups, counting)
    const content = randomBytes(8 * 1024 * 1024 + 5)
    const once = await vault.files().add({ file: new Blob([content]), path: 'once.bin', mtime: 1, type: '' })
    assert.equal(calls, 0, 'a large file is not read a second time for its tag')
    assert.deepEqual(await readAll(vault.files().open(once.file.fileId).stream), content)

    const blocks = await allBlocks(blockstore)
    counting.readLargeFilesOnce = false
    const twice = await vault.files().add({ file: new Blob([content]), path: 'twice.bin', mtime: 2, type: '' })
    // New content carries a version-2 tag, made while encrypting: the old (version-1) hasher is not asked.
    assert.equal(calls, 0)
    assert.equal(twice.deduplicated, true)
    assert.equal(twice.file.cid, once.file.cid)
    const added = [...await allBlocks(blockstore)].filter(b => !blocks.has(b))
    assert.ok(added.length <= 2, `${added.length} new blocks`)

    // A small file is still hashed first, so its duplicate writes nothing at all.
    counting.readLargeFilesOnce = true
    const small = randomBytes(100_000)
    await vault.files().add({ file: new Blob([small]), path: 'small.bin', mtime: 3, type: '' })
    const again = await vault.files().add({ file: new Blob([small]), path: 'small again.bin', mtime: 4, type: '' })
    assert.equal(again.deduplicated, true)
    assert.equal(calls, 0)
  })

  it('a stream shorter or longer than announced, or one that breaks off, is refused and leaves no block behind', async () => {
    const { vault, blockstore } = await startVault(cleanups)
    const before = await allBlocks(blockstore)
    const content = randomBytes(1_500_000)
    await rejectsWith(vault.files().addStream({ stream: streamOf(content.subarray(0, 1_000_000)), size: content.length, path: 'short.bin', mtime: 1, type: '' }), 'STREAM_TRUNCATED')
    await rejectsWith(vault.files().addStream({ stream: streamOf(content), size: 1_000_000, path: 'long.bin', mtime: 1, type: '' }), 'TRAILING_DATA')
    await assert.rejects(vault.files().addStream({ stream: failingAfter(content.subarray(0, 300_000)), size: content.length, path: 'cut.bin', mtime: 1, type: '' }), /network error/)
    assert.deepEqual(vault.files().list(), [])
    assert.deepEqual(await allBlocks(blockstore), before)
  })

  it('locking the vault while a stream is being stored stops it with VAULT_LOCKED and keeps nothing', async () => {
    const { vault, blockstore } = await startVault(cleanups)
    const before = await allBlocks(blockstore)
    let sent = 0
    let cancelled = false
    // A slow source: the lock lands while chunks are still arriving.
    const slow = new ReadableStream<Uint8Array>({
      async pull (controller) {
        await new Promise(resolve => setTimeout(resolve, 5))
        controller.enqueue(randomBytes(64 * 1024))
        sent++
        if (sent === 3) void vault.lock()
      },
      cancel () { cancelled = true }
    })
    await rejectsWith(vault.files().addStream({ stream: slow, size: 100 * 1024 * 1024, path: 'big.bin', mtime: 1, type: '' }), 'VAULT_LOCKED')
    assert.deepEqual(await allBlocks(blockstore), before)
    assert.equal(cancelled, true, 'the source is told to stop (a share download is not left running)')
  })

  it('a size that is not a whole number of bytes is refused before anything is read', async () => {
    const { vault } = await startVault(cleanups)
    for (const size of [Number.NaN, -1, 1.5]) {
      let pulled = false
      let cancelled = false
      // highWaterMark 0: pull runs only when someone reads.
      const stream = new ReadableStream<Uint8Array>({ pull () { pulled = true }, cancel () { cancelled = true } }, { highWaterMark: 0 })
      await rejectsWith(vault.files().addStream({ stream, size, path: 'x.bin', mtime: 1, type: '' }), 'INVALID_ARGUMENT')
      assert.equal(pulled, false, `size ${size}`)
      assert.equal(cancelled, true, `size ${size}`)
    }
    assert.deepEqual(vault.files().list(), [])
  })
})
