import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { createInThreadSealer, type ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import { readDecrypted, RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import { storeSealed } from '../../../core/storage/sealed-content.ts'
import { randomBytes, readAll } from '../vault/share-test-support.ts'

const MiB = 1024 * 1024

/**
 * A sealer that hands each chunk's plaintext back as a spare, as a seal
 * worker does, but without moving it (no transfer): a buffer the reader
 * wrongly fills again is then visible to whoever else holds it. Records the
 * buffers it was handed.
 */
function handingBackSealer (seen: ArrayBufferLike[]): ChunkSealer {
  const inner = createInThreadSealer(4)
  return {
    width: 4,
    open (fileKey, header) {
      const session = inner.open(fileKey, header)
      return {
        ...session,
        seal: async (index, plaintext, last) => {
          seen.push(plaintext.buffer)
          return { ...await session.seal(index, plaintext, last), spare: plaintext }
        }
      }
    }
  }
}

/** `bytes` as an ordinary stream of the given piece sizes (repeated), each piece a buffer of its own. */
function streamOf (bytes: Uint8Array, sizes: number[], handedOut: Uint8Array[] = []): ReadableStream<Uint8Array> {
  let at = 0
  let turn = 0
  return new ReadableStream<Uint8Array>({
    pull (controller) {
      if (at >= bytes.length) { controller.close(); return }
      const piece = bytes.slice(at, at + (sizes[turn++ % sizes.length] as number))
      handedOut.push(piece)
      controller.enqueue(piece)
      at += piece.byteLength
    }
  })
}

describe('the add\'s plaintext reader', () => {
  it('stores a byte stream whose BYOB reads never settle (as a Chromium 156 Blob stream\'s now and then): it reads with the default reader', { timeout: 30_000 }, async () => {
    const plaintext = randomBytes(3 * MiB + 100)
    let at = 0
    const stuck = new ReadableStream({
      type: 'bytes',
      pull (controller: ReadableByteStreamController) {
        // A BYOB read is left pending for ever; a default read gets the next 64 KiB.
        if (controller.byobRequest !== null) return
        if (at >= plaintext.length) { controller.close(); return }
        controller.enqueue(plaintext.slice(at, at + 65536))
        at += 65536
      }
    })
    const fileKey = generateFileKey()
    const store = new MemoryBlockstore()
    const sealed = await storeSealed(new RecordingBlockstore(store), stuck, { fileKey, sealer: createInThreadSealer(4) })
    assert.equal(sealed.size, plaintext.length)
    assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length })), plaintext)
  })

  it('fills the buffers of sealed chunks again, and the file is stored intact', async () => {
    const plaintext = randomBytes(20 * MiB + 3)
    const seen: ArrayBufferLike[] = []
    const fileKey = generateFileKey()
    const noncePrefix = randomBytes(7)
    const store = new MemoryBlockstore()
    const sealed = await storeSealed(new RecordingBlockstore(store), streamOf(plaintext, [65536, 3000, 200_000]), { fileKey, sealer: handingBackSealer(seen), noncePrefix })
    assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length })), plaintext)
    // The same file as one read into fresh buffers only.
    const fresh = await storeSealed(new RecordingBlockstore(new MemoryBlockstore()), streamOf(plaintext, [65536, 3000, 200_000]), { fileKey, sealer: createInThreadSealer(4), noncePrefix })
    assert.equal(sealed.cid.toString(), fresh.cid.toString())
    assert.equal(seen.length, 21)
    assert.ok(new Set(seen).size < seen.length / 2, `${new Set(seen).size} buffers for ${seen.length} chunks: spent ones were not filled again`)
  })

  it('never fills a buffer of the stream\'s own again (its source may still hold it), even one handed to the sealer whole', async () => {
    const plaintext = randomBytes(12 * MiB + 7)
    const handedOut: Uint8Array[] = []
    // Whole 1 MiB pieces go to the sealer as they are; odd ones are joined in buffers of the reader's.
    const stream = streamOf(plaintext, [MiB, MiB, 5000, MiB - 5000, 70_000], handedOut)
    const fileKey = generateFileKey()
    const store = new MemoryBlockstore()
    const sealed = await storeSealed(new RecordingBlockstore(store), stream, { fileKey, sealer: handingBackSealer([]) })
    let at = 0
    for (const piece of handedOut) {
      assert.ok(Buffer.from(piece).equals(plaintext.subarray(at, at + piece.byteLength)), `the stream's piece at ${at} was written over`)
      at += piece.byteLength
    }
    assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length })), plaintext)
  })
})
