import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { createInThreadSealer } from '../../../core/storage/chunk-sealer.ts'
import { readDecrypted, RecordingBlockstore } from '../../../core/storage/encrypted-content.ts'
import { storeSealed } from '../../../core/storage/sealed-content.ts'
import { randomBytes, readAll } from '../vault/share-test-support.ts'

const MiB = 1024 * 1024

describe('the add\'s plaintext reader', () => {
  it('stores a byte stream whose BYOB reads never settle (as a Chromium 156 Blob stream\'s now and then): it reads with the default reader', async () => {
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
})
