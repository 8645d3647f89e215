import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { readDecrypted, RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { CID } from 'multiformats/cid'
import { randomBytes } from '../vault/share-test-support.ts'

/** A blockstore that counts the blocks read from it. */
class CountingBlockstore extends MemoryBlockstore {
  reads = 0
  override async * get (key: CID, options?: Parameters<MemoryBlockstore['get']>[1]): AsyncGenerator<Uint8Array> {
    this.reads++
    yield * super.get(key, options)
  }
}

/** A blockstore whose gated blocks wait until `release()`, noting which were asked for. */
class GatedBlockstore extends MemoryBlockstore {
  readonly gated = new Set<string>()
  readonly asked: string[] = []
  private open!: () => void
  private readonly opened = new Promise<void>(resolve => { this.open = resolve })

  release (): void { this.open() }

  /** Lets every read that can go on go on (a few turns of the event loop, no timer). */
  async settled (): Promise<void> {
    for (let i = 0; i < 50; i++) await new Promise(resolve => setImmediate(resolve))
  }

  override async * get (key: CID, options?: Parameters<MemoryBlockstore['get']>[1]): AsyncGenerator<Uint8Array> {
    if (this.gated.has(key.toString())) {
      this.asked.push(key.toString())
      await this.opened
    }
    yield * super.get(key, options)
  }
}

describe('encrypted content', () => {
  it('stores ciphertext as UnixFS with one leaf per chunk and reads the plaintext back', async () => {
    const store = new CountingBlockstore()
    const plaintext = randomBytes(5 * 1024 * 1024 + 3)
    const key = generateFileKey()
    const recorder = new RecordingBlockstore(store)
    const cid = await storeEncrypted(recorder, new Blob([plaintext]).stream(), { fileKey: key })
    // header leaf + 6 chunk leaves + the root node
    assert.equal(recorder.written.length, 1 + 6 + 1)
    const back = new Uint8Array(await new Response(readDecrypted(store, cid, key, { plaintextLength: plaintext.length })).arrayBuffer())
    assert.deepEqual(back, plaintext)
  })

  it('reading holds a bounded window, not the whole file, ahead of a slow reader', async () => {
    const store = new CountingBlockstore()
    const size = 64 * 1024 * 1024
    const key = generateFileKey()
    const cid = await storeEncrypted(new RecordingBlockstore(store), new Blob([randomBytes(size)]).stream(), { fileKey: key })
    store.reads = 0
    const reader = readDecrypted(store, cid, key, { plaintextLength: size }).getReader()
    await reader.read()
    await new Promise(resolve => setTimeout(resolve, 200))
    // 64 chunk leaves in the file; a window is 16 chunks and the next one is
    // opened while one drains (+ header and root reads): at most ~2 windows.
    assert.ok(store.reads <= 40, `read ${store.reads} blocks ahead of a reader that took one chunk`)
    let total = 0
    for (let next = await reader.read(); next.done !== true; next = await reader.read()) total += next.value.length
    assert.ok(total > size - 2 * 1024 * 1024)
  })

  it('the first plaintext waits for the first chunk\'s block alone, not for a window of them', async () => {
    // Over a network every block asked for is fetched at once, sharing the
    // link: what is asked for before the first chunk arrives delays it.
    const store = new GatedBlockstore()
    const size = 40 * 1024 * 1024
    const key = generateFileKey()
    const recorder = new RecordingBlockstore(store)
    const plaintext = randomBytes(size)
    const cid = await storeEncrypted(recorder, new Blob([plaintext]).stream(), { fileKey: key })
    // Written: the header leaf, one leaf per chunk, the root. Chunk leaves come "over the network".
    for (const leaf of recorder.written.slice(1, -1)) store.gated.add(leaf.toString())
    const reader = readDecrypted(store, cid, key, { plaintextLength: size }).getReader()
    const first = reader.read()
    await store.settled()
    // Chunk 0's block, and chunk 1's: ipfs-unixfs-exporter also fetches the
    // block that starts where a range ends (its end test is inclusive).
    assert.ok(store.asked.length <= 2, `asked for ${store.asked.length} chunk blocks before the first arrived`)
    store.release()
    const pieces: Uint8Array[] = []
    for (let next = await first; next.done !== true; next = await reader.read()) pieces.push(next.value)
    assert.deepEqual(new Uint8Array(Buffer.concat(pieces)), plaintext)
  })

  it('cancelling the upload keeps nothing: rollback deletes what it wrote', async () => {
    const store = new MemoryBlockstore()
    const recorder = new RecordingBlockstore(store)
    const abort = new AbortController()
    const upload = storeEncrypted(recorder, new Blob([randomBytes(20 * 1024 * 1024)]).stream(), {
      fileKey: generateFileKey(),
      signal: abort.signal,
      onStored: (bytes) => { if (bytes > 12 * 1024 * 1024) abort.abort() }
    })
    await assert.rejects(upload)
    assert.ok(recorder.written.length > 0)
    await recorder.rollback()
    // Writes that were in flight when the upload stopped must not land later either.
    await new Promise(resolve => setTimeout(resolve, 100))
    let left = 0
    for await (const pair of store.getAll()) { void pair; left++ }
    assert.equal(left, 0)
  })
})
