import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { dedupTagV2, dedupTagV2FromDigests } from '../../../core/crypto/dedup-tag-v2.ts'
import { createEncryptStream, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { createInThreadSealer, type ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import { IMPORT_OPTIONS, readDecrypted, RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import { storeSealed } from '../../../core/storage/sealed-content.ts'
import { collect, dagBlocks, randomBytes, readAll, rejectsWith } from '../vault/share-test-support.ts'

const MiB = 1024 * 1024

/** A sealer that answers out of order (later chunks first), as a pool of busy workers may. */
function shuffledSealer (): ChunkSealer {
  const inner = createInThreadSealer(4)
  return {
    width: 4,
    open (fileKey, header) {
      const session = inner.open(fileKey, header)
      return {
        ...session,
        seal: async (index, plaintext, last) => {
          const sealed = await session.seal(index, plaintext, last)
          // Even chunks wait a few turns longer than odd ones.
          for (let i = 0; i < (index % 2 === 0 ? 20 : 0); i++) await new Promise(resolve => setImmediate(resolve))
          return sealed
        }
      }
    }
  }
}

describe('sealed content (per-chunk work handed to a sealer)', () => {
  it('stores the same UnixFS file, block for block, as the STREAM encryptor piped into the importer', async () => {
    for (const size of [0, 1, MiB, 3 * MiB + 17]) {
      const plaintext = randomBytes(size)
      const fileKey = generateFileKey()
      const noncePrefix = randomBytes(7)
      const sealedStore = new MemoryBlockstore()
      const sealed = await storeSealed(new RecordingBlockstore(sealedStore), new Blob([plaintext]).stream(), { fileKey, sealer: shuffledSealer(), noncePrefix })
      const reference = await unixfs({ blockstore: new MemoryBlockstore() }).addByteStream(
        new Blob([plaintext]).stream().pipeThrough(createEncryptStream({ key: fileKey, noncePrefix })) as unknown as AsyncIterable<Uint8Array>, IMPORT_OPTIONS)
      assert.equal(sealed.cid.toString(), reference.toString(), `size ${size}`)
      assert.equal(sealed.size, size)
      // Every leaf's CID is the hash of its bytes (the sealer's digest was honest).
      for (const cid of await dagBlocks(sealedStore, sealed.cid)) {
        const bytes = await collect(sealedStore.get(cid))
        assert.deepEqual(CID.createV1(cid.code, await sha256.digest(bytes)).toString(), cid.toString())
      }
      assert.deepEqual(await readAll(readDecrypted(sealedStore, sealed.cid, fileKey.slice(), { plaintextLength: size })), plaintext)
    }
  })

  it('its piece digests make the version-2 dedup tag of the plaintext', async () => {
    const dedupKey = randomBytes(32)
    const plaintext = randomBytes(2 * MiB + 5)
    const sealed = await storeSealed(new RecordingBlockstore(new MemoryBlockstore()), new Blob([plaintext]).stream(), { fileKey: generateFileKey(), sealer: shuffledSealer() })
    assert.deepEqual(dedupTagV2FromDigests(dedupKey, sealed.size, sealed.pieceDigests), await dedupTagV2(dedupKey, plaintext))
  })

  it('a changed, dropped or cut-off chunk of sealed content is refused on read', async () => {
    const plaintext = randomBytes(3 * MiB)
    const fileKey = generateFileKey()
    const store = new MemoryBlockstore()
    const recorder = new RecordingBlockstore(store)
    const { cid } = await storeSealed(recorder, new Blob([plaintext]).stream(), { fileKey, sealer: createInThreadSealer() })
    const [, , second] = recorder.written
    const original = await collect(store.get(second as CID))
    const flipped = original.slice()
    flipped[100] = (flipped[100] ?? 0) ^ 1
    await store.put(second as CID, flipped)
    await rejectsWith(readAll(readDecrypted(store, cid, fileKey.slice(), { plaintextLength: plaintext.length })), 'CHUNK_TAMPERED')
    await store.put(second as CID, original.subarray(0, original.length - 1))
    await assert.rejects(readAll(readDecrypted(store, cid, fileKey.slice(), { plaintextLength: plaintext.length })))
    await store.put(second as CID, original)
    assert.deepEqual(await readAll(readDecrypted(store, cid, fileKey.slice(), { plaintextLength: plaintext.length })), plaintext)
    // A stored file one chunk shorter than its entry says ends at a final chunk too early: refused.
    await rejectsWith(readAll(readDecrypted(store, cid, fileKey.slice(), { plaintextLength: plaintext.length + MiB })), 'FORMAT_INVALID')
  })

  it('a sealer failure or a cancelled upload stops the add and leaves nothing behind after rollback', async () => {
    const store = new MemoryBlockstore()
    const failing: ChunkSealer = {
      width: 2,
      open: (fileKey, header) => {
        const s = createInThreadSealer().open(fileKey, header)
        return { ...s, seal: async (index, p, last) => { if (index === 2) throw new Error('worker gone'); return await s.seal(index, p, last) } }
      }
    }
    const recorder = new RecordingBlockstore(store)
    await assert.rejects(storeSealed(recorder, new Blob([randomBytes(5 * MiB)]).stream(), { fileKey: generateFileKey(), sealer: failing }), /worker gone/)
    await recorder.rollback()
    assert.equal((await Array.fromAsync(store.getAll())).length, 0)

    const abort = new AbortController()
    const second = new RecordingBlockstore(store)
    const upload = storeSealed(second, new Blob([randomBytes(20 * MiB)]).stream(), { fileKey: generateFileKey(), sealer: createInThreadSealer(), signal: abort.signal, onStored: (n) => { if (n > 3 * MiB) abort.abort() } })
    await assert.rejects(upload)
    await second.rollback()
    assert.equal((await Array.fromAsync(store.getAll())).length, 0)
  })

  it('a Blob, a Blob\'s stream and a stream of odd pieces store the same file', async () => {
    /** The same bytes as an ordinary (not byte) stream, in pieces of uneven sizes. */
    const oddPieces = (bytes: Uint8Array): ReadableStream<Uint8Array> => {
      const sizes = [3000, MiB + 5, 17, 2 * MiB, 65536]
      let at = 0
      let turn = 0
      return new ReadableStream<Uint8Array>({
        pull (controller) {
          if (at >= bytes.length) { controller.close(); return }
          const n = sizes[turn++ % sizes.length] as number
          controller.enqueue(bytes.slice(at, at + n))
          at += n
        }
      })
    }
    for (const size of [0, 1, MiB - 1, MiB, 2 * MiB, 3 * MiB + 17, 5 * MiB]) {
      const plaintext = randomBytes(size)
      const fileKey = generateFileKey()
      const noncePrefix = randomBytes(7)
      const store = new MemoryBlockstore()
      const fromBytes = await storeSealed(new RecordingBlockstore(store), new Blob([plaintext]).stream(), { fileKey, sealer: shuffledSealer(), noncePrefix })
      const fromOdd = await storeSealed(new RecordingBlockstore(new MemoryBlockstore()), oddPieces(plaintext), { fileKey, sealer: shuffledSealer(), noncePrefix })
      const fromBlob = await storeSealed(new RecordingBlockstore(new MemoryBlockstore()), new Blob([plaintext]), { fileKey, sealer: shuffledSealer(), noncePrefix })
      assert.equal(fromOdd.cid.toString(), fromBytes.cid.toString(), `size ${size}`)
      assert.equal(fromBlob.cid.toString(), fromBytes.cid.toString(), `size ${size}, from the Blob`)
      assert.deepEqual(fromBlob.pieceDigests, fromBytes.pieceDigests)
      assert.equal(fromBytes.size, size)
      assert.deepEqual(fromOdd.pieceDigests, fromBytes.pieceDigests)
      assert.deepEqual(await readAll(readDecrypted(store, fromBytes.cid, fileKey.slice(), { plaintextLength: size })), plaintext)
    }
  })

  it('keeps at most `width` chunks with the sealer and a bounded number out in all, while the importer lags', async () => {
    const width = 3
    let sealing = 0
    let most = 0
    let started = 0
    let stored = 0
    let mostAhead = 0
    const inner = createInThreadSealer(width)
    const counting: ChunkSealer = {
      width,
      open (fileKey, header) {
        const session = inner.open(fileKey, header)
        return {
          ...session,
          seal: async (index, plaintext, last) => {
            sealing++
            started++
            most = Math.max(most, sealing)
            try {
              return await session.seal(index, plaintext, last)
            } finally {
              sealing--
            }
          }
        }
      }
    }
    // A slow store: each write waits a few turns, so sealed chunks pile up ahead of it.
    const store = new MemoryBlockstore()
    const slow = new RecordingBlockstore({
      has: async () => false,
      put: async (cid: CID, bytes: Uint8Array) => {
        for (let i = 0; i < 30; i++) await new Promise(resolve => setImmediate(resolve))
        await store.put(cid, bytes)
        stored++
        mostAhead = Math.max(mostAhead, started - stored)
        return cid
      }
    } as unknown as MemoryBlockstore)
    const plaintext = randomBytes(40 * MiB + 3)
    const fileKey = generateFileKey()
    const sealed = await storeSealed(slow, new Blob([plaintext]).stream(), { fileKey, sealer: counting })
    assert.ok(most <= width, `${most} chunks were with the sealer at once`)
    // width sealing + one importer batch waiting + the batch being written.
    assert.ok(mostAhead <= width + 2 * IMPORT_OPTIONS.blockWriteConcurrency + 1, `${mostAhead} chunks were out at once`)
    assert.deepEqual(await readAll(readDecrypted(store, sealed.cid, fileKey.slice(), { plaintextLength: plaintext.length })), plaintext)
  })
})
