import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import type { CID } from 'multiformats/cid'
import { DEFAULT_CHUNK_SIZE, HEADER_LENGTH, TAG_LENGTH } from '../../../core/crypto/stream-constants.ts'
import { encryptBytes, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { unixfs } from '@helia/unixfs'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import * as dagPb from '@ipld/dag-pb'
import { isCairnError } from '../../../core/errors.ts'
import { createInThreadSealer } from '../../../core/storage/chunk-sealer.ts'
import { IMPORT_OPTIONS, readDecrypted, RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import { checkRange, type ByteRange } from '../../../core/storage/range-read.ts'
import { collect, dagBlocks, hashOf, randomBytes, readAll } from '../vault/share-test-support.ts'

const CHUNK = DEFAULT_CHUNK_SIZE

/** A memory blockstore that notes which blocks were read. */
class NotingBlockstore extends MemoryBlockstore {
  readonly read = new Set<string>()
  override async * get (key: CID, options?: Parameters<MemoryBlockstore['get']>[1]): AsyncGenerator<Uint8Array> {
    this.read.add(hashOf(key))
    yield * super.get(key, options)
  }
}

async function stored (size: number): Promise<{ store: NotingBlockstore, cid: CID, key: Uint8Array, plaintext: Uint8Array }> {
  const store = new NotingBlockstore()
  const plaintext = randomBytes(size)
  const key = generateFileKey()
  const cid = await storeEncrypted(new RecordingBlockstore(store), new Blob([plaintext as BlobPart]).stream(), { fileKey: key })
  return { store, cid, key, plaintext }
}

/** Reads `range` of the file; the key handed over is a copy (the read wipes it). */
async function readRange (file: { store: MemoryBlockstore, cid: CID, key: Uint8Array }, range: ByteRange, plaintextLength: number, sealed = false): Promise<Uint8Array> {
  return await readAll(readDecrypted(file.store, file.cid, file.key.slice(), { plaintextLength, range, ...(sealed ? { sealer: createInThreadSealer(3) } : {}) }))
}

/** Everything a read delivered before it failed, and the failure. */
async function readUntilFailure (stream: ReadableStream<Uint8Array>): Promise<{ delivered: number, error: unknown }> {
  const reader = stream.getReader()
  let delivered = 0
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) return { delivered, error: undefined }
      delivered += next.value.length
    }
  } catch (error) {
    return { delivered, error }
  }
}

describe('reading a byte range of an encrypted file', () => {
  it('gives exactly the bytes asked for at every offset near a chunk boundary, the last byte included, on this thread and on a sealer', async () => {
    const size = 3 * CHUNK + 5
    const file = await stored(size)
    const offsets = new Set<number>()
    for (const boundary of [0, CHUNK, 2 * CHUNK, 3 * CHUNK, size]) {
      for (let d = -2; d <= 2; d++) if (boundary + d >= 0 && boundary + d < size) offsets.add(boundary + d)
    }
    for (const offset of offsets) {
      for (const length of [1, 2, 17, CHUNK + 3, size - offset]) {
        if (offset + length > size) continue
        const sealed = (offset + length) % 2 === 0
        const got = await readRange(file, { offset, length }, size, sealed)
        assert.equal(got.length, length, `length of ${offset}+${length}`)
        assert.ok(Buffer.from(got).equals(Buffer.from(file.plaintext.subarray(offset, offset + length))), `bytes of ${offset}+${length}`)
      }
    }
    assert.deepEqual(await readRange(file, { offset: size - 1, length: 1 }, size), file.plaintext.subarray(size - 1))
    assert.deepEqual(await readRange(file, { offset: size, length: 0 }, size), new Uint8Array(0))
  })

  it('reads only the header and the chunks that hold the range, not what comes before', async () => {
    const size = 6 * CHUNK + 100
    const file = await stored(size)
    const blocks = await dagBlocks(file.store, file.cid)
    file.store.read.clear()
    const got = await readRange(file, { offset: 5 * CHUNK + 10, length: 20 }, size)
    assert.deepEqual(got, file.plaintext.subarray(5 * CHUNK + 10, 5 * CHUNK + 30))
    // Blocks: the root, the header leaf, then one leaf per chunk.
    const wanted = [blocks[0], blocks[1], blocks[7]].map(cid => hashOf(cid as CID))
    assert.deepEqual([...file.store.read].sort(), wanted.sort())
  })

  it('a range read wipes the key it was handed: when done, when cancelled before it began, when refused', async () => {
    const size = 2 * CHUNK + 9
    const file = await stored(size)
    const zeroed = (bytes: Uint8Array): boolean => bytes.every(b => b === 0)
    const done = file.key.slice()
    await readAll(readDecrypted(file.store, file.cid, done, { plaintextLength: size, range: { offset: CHUNK, length: 9 }, sealer: createInThreadSealer(2) }))
    assert.ok(zeroed(done))
    const cancelled = file.key.slice()
    await readDecrypted(file.store, file.cid, cancelled, { plaintextLength: size, range: { offset: 1, length: 1 } }).cancel()
    assert.ok(zeroed(cancelled))
    const wrong = generateFileKey()
    await assert.rejects(readAll(readDecrypted(file.store, file.cid, wrong, { plaintextLength: size, range: { offset: 1, length: 1 } })), (err: unknown) => isCairnError(err, 'WRONG_KEY'))
    assert.ok(zeroed(wrong))
  })

  it('finds the range in a deep tree of leaves, and in leaves not cut at chunk boundaries (any UnixFS layout of the same bytes)', async () => {
    const size = 4 * CHUNK + 321
    const plaintext = randomBytes(size)
    const key = generateFileKey()
    const ciphertext = await encryptBytes(plaintext, { key })
    const layouts = [
      { ...IMPORT_OPTIONS, layout: balanced({ maxChildrenPerNode: 2 }) }, // one leaf per chunk, nodes three levels deep
      { ...IMPORT_OPTIONS, chunker: fixedSize({ chunkSize: 300_000 }), layout: balanced({ maxChildrenPerNode: 3 }) } // leaves across chunk boundaries
    ]
    for (const options of layouts) {
      const store = new MemoryBlockstore()
      // The header, then one piece per chunk, as the encryptor hands them to the importer.
      const cuts = [0, HEADER_LENGTH]
      while ((cuts.at(-1) as number) < ciphertext.length) cuts.push(Math.min(ciphertext.length, (cuts.at(-1) as number) + CHUNK + TAG_LENGTH))
      const pieces = cuts.slice(1).map((end, i) => ciphertext.subarray(cuts[i], end))
      const cid = await unixfs({ blockstore: store }).addByteStream((async function * () { yield * pieces })(), options)
      const nodes = (await dagBlocks(store, cid)).filter(block => block.code === dagPb.code)
      assert.ok(nodes.length >= 3, 'a tree, not one node over the leaves')
      for (const [offset, length] of [[0, 1], [CHUNK - 1, 2], [2 * CHUNK + 5, CHUNK], [3 * CHUNK, CHUNK + 321], [size - 1, 1], [0, size]] as const) {
        const got = await readAll(readDecrypted(store, cid, key.slice(), { plaintextLength: size, range: { offset, length } }))
        assert.ok(Buffer.from(got).equals(Buffer.from(plaintext.subarray(offset, offset + length))), `${offset}+${length}`)
      }
    }
  })

  it('an empty file has only the empty range; a range past its end is refused', async () => {
    const file = await stored(0)
    assert.deepEqual(await readRange(file, { offset: 0, length: 0 }, 0), new Uint8Array(0))
    await assert.rejects(readRange(file, { offset: 0, length: 1 }, 0), (err: unknown) => isCairnError(err, 'INVALID_ARGUMENT'))
  })

  it('refuses a negative, fractional, non-numeric or over-long range with a clear error', async () => {
    assert.doesNotThrow(() => { checkRange({ offset: 5, length: 5 }, 10) })
    const bad: unknown[] = [{ offset: -1, length: 2 }, { offset: 0, length: -1 }, { offset: 1.5, length: 1 }, { offset: 0, length: 11 }, { offset: 10, length: 1 },
      { offset: '0', length: 1 }, { offset: Number.NaN, length: 1 }, { offset: 0, length: Infinity }, { offset: 0 }, null, 'bytes=0-1']
    for (const range of bad) {
      assert.throws(() => { checkRange(range, 10) }, (err: unknown) => isCairnError(err, 'INVALID_ARGUMENT') && /range/.test((err as Error).message), JSON.stringify(range))
    }
    const file = await stored(10)
    const key = file.key.slice()
    assert.throws(() => readDecrypted(file.store, file.cid, key, { plaintextLength: 10, range: { offset: 4, length: 7 } }), (err: unknown) => isCairnError(err, 'INVALID_ARGUMENT'))
    assert.ok(key.every(b => b === 0), 'a refused read still wipes the key it was handed')
  })

  it('a range over a tampered chunk is refused and none of its bytes are served; the other chunks still read', async () => {
    const size = 3 * CHUNK + 5
    const file = await stored(size)
    const blocks = await dagBlocks(file.store, file.cid)
    const leaf = blocks[3] as CID // chunk 1 (after the root and the header leaf)
    const bytes = (await collect(file.store.get(leaf))).slice()
    bytes[100] = (bytes[100] ?? 0) ^ 1
    await file.store.put(leaf, bytes)
    for (const sealed of [false, true]) {
      const inside = await readUntilFailure(readDecrypted(file.store, file.cid, file.key.slice(), { plaintextLength: size, range: { offset: CHUNK + 5, length: 10 }, ...(sealed ? { sealer: createInThreadSealer(2) } : {}) }))
      assert.ok(isCairnError(inside.error, 'CHUNK_TAMPERED'), String(inside.error))
      assert.equal(inside.delivered, 0)
      // A range that starts in chunk 0 and runs into chunk 1: chunk 0's bytes at most, none of chunk 1.
      const across = await readUntilFailure(readDecrypted(file.store, file.cid, file.key.slice(), { plaintextLength: size, range: { offset: CHUNK - 10, length: 20 }, ...(sealed ? { sealer: createInThreadSealer(2) } : {}) }))
      assert.ok(isCairnError(across.error, 'CHUNK_TAMPERED'), String(across.error))
      assert.ok(across.delivered <= 10)
    }
    assert.deepEqual(await readRange(file, { offset: 2 * CHUNK, length: CHUNK + 5 }, size), file.plaintext.subarray(2 * CHUNK))
  })

  it('the final flag is checked: a size that makes an inner chunk look final, or a file cut short, is refused', async () => {
    const size = 3 * CHUNK + 5
    const file = await stored(size)
    // Told the file ends after chunk 1: chunk 1 was not sealed as the final chunk.
    await assert.rejects(readRange(file, { offset: 2 * CHUNK - 4, length: 4 }, 2 * CHUNK), (err: unknown) => isCairnError(err, 'CHUNK_TAMPERED'))
    // Told it is longer than it is: its final chunk ends short of where the range does.
    await assert.rejects(readRange(file, { offset: 3 * CHUNK, length: 6 }, 3 * CHUNK + 6), (err: unknown) => isCairnError(err, 'STREAM_TRUNCATED'))
    await assert.rejects(readRange(file, { offset: 4 * CHUNK, length: 5 }, 4 * CHUNK + 5), (err: unknown) => isCairnError(err, 'STREAM_TRUNCATED'))
  })

  it('a header under another key or changed is refused before any chunk', async () => {
    const file = await stored(CHUNK + 1)
    await assert.rejects(readRange({ ...file, key: generateFileKey() }, { offset: 5, length: 5 }, CHUNK + 1), (err: unknown) => isCairnError(err, 'WRONG_KEY'))
    const headerLeaf = (await dagBlocks(file.store, file.cid))[1] as CID
    const header = (await collect(file.store.get(headerLeaf))).slice()
    header[8] = (header[8] ?? 0) ^ 1
    await file.store.put(headerLeaf, header)
    await assert.rejects(readRange(file, { offset: 5, length: 5 }, CHUNK + 1), (err: unknown) => isCairnError(err, 'HEADER_TAMPERED'))
  })
})
