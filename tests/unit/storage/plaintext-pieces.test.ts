import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { DEFAULT_CHUNK_SIZE } from '../../../core/crypto/stream-constants.ts'
import { createInThreadSealer } from '../../../core/storage/chunk-sealer.ts'
import { readDecrypted, RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import { readPlaintext } from '../../../core/storage/plaintext-pieces.ts'
import { storeSealed } from '../../../core/storage/sealed-content.ts'
import { randomBytes, readAll } from '../vault/share-test-support.ts'

const MiB = 1024 * 1024

/** A byte stream of `bytes` in 64 KiB pieces whose BYOB reads, once `stallAt` bytes went out, are left pending for ever (as a Chromium 156 Blob stream's now and then). */
function stallingByteStream (bytes: Uint8Array, stallAt: number): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    type: 'bytes',
    pull (controller: ReadableByteStreamController) {
      const request = controller.byobRequest
      if (request !== null && at >= stallAt) return
      if (at >= bytes.length) { controller.close(); request?.respond(0); return }
      const piece = bytes.subarray(at, at + Math.min(65536, request?.view?.byteLength ?? 65536))
      at += piece.length
      if (request?.view != null) {
        new Uint8Array(request.view.buffer, request.view.byteOffset, piece.length).set(piece)
        request.respond(piece.length)
      } else {
        controller.enqueue(piece.slice())
      }
    }
  })
}

/** A Blob whose own stream stalls as above; its slices are ordinary Blobs. */
class StallingBlob extends Blob {
  constructor (private readonly content: Uint8Array<ArrayBuffer>, private readonly stallAt: number) { super([content]) }
  override stream (): ReadableStream<Uint8Array<ArrayBuffer>> { return stallingByteStream(this.content, this.stallAt) as ReadableStream<Uint8Array<ArrayBuffer>> }
}

const storeAndRead = async (source: Blob | ReadableStream<Uint8Array>, plaintext: Uint8Array): Promise<void> => {
  const fileKey = generateFileKey()
  const store = new MemoryBlockstore()
  const sealed = await storeSealed(new RecordingBlockstore(store), source, { fileKey, sealer: createInThreadSealer(4) })
  assert.equal(sealed.size, plaintext.length)
  assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length })), plaintext)
}

describe('the add\'s plaintext reader', () => {
  it('stores a byte stream whose BYOB reads never settle (as a Chromium 156 Blob stream\'s now and then): a stream is read with its default reader', async () => {
    const plaintext = randomBytes(3 * MiB + 100)
    await storeAndRead(stallingByteStream(plaintext, 0), plaintext)
  })

  it('stores a Blob whose BYOB read stalls at the start, in the middle of a chunk or at a chunk\'s edge: the rest is read again from the chunk under way', async () => {
    const plaintext = randomBytes(3 * MiB + 100) as Uint8Array<ArrayBuffer>
    for (const stallAt of [0, MiB + 65536, 2 * MiB]) {
      await storeAndRead(new StallingBlob(plaintext, stallAt), plaintext)
    }
  })

  it('reads a Blob into the spent buffers it is given, each chunk whole in its own buffer', async () => {
    const plaintext = randomBytes(3 * MiB + 5) as Uint8Array<ArrayBuffer>
    const spares = [new Uint8Array(DEFAULT_CHUNK_SIZE), new Uint8Array(DEFAULT_CHUNK_SIZE)]
    const given = spares.map((s) => s.buffer)
    const reader = readPlaintext(new Blob([plaintext]), spares)
    const pieces = []
    for await (const piece of reader.pieces) pieces.push(piece)
    await reader.cancel()
    assert.deepEqual(pieces.map((p) => [p.bytes.byteLength, p.last]), [[MiB, false], [MiB, false], [MiB, false], [5, true]])
    // A BYOB read takes a buffer over (the one given is detached, its memory goes on in the piece).
    assert.deepEqual(given.map((b) => b.byteLength), [0, 0], 'both spares were filled again')
    assert.equal(spares.length, 0)
    for (const p of pieces.slice(0, 3)) assert.equal(p.bytes.buffer.byteLength, MiB)
    assert.deepEqual(new Uint8Array(await new Blob(pieces.map((p) => p.bytes as Uint8Array<ArrayBuffer>)).arrayBuffer()), plaintext)
  })
})
