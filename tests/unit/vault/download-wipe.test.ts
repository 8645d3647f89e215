import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { createDecryptStream, createEncryptStream, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { readDecrypted, RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import { randomBytes } from './share-test-support.ts'

const zeroed = (bytes: Uint8Array): boolean => bytes.every(b => b === 0)

/** A stored file of `size` random bytes and a copy of its key (the original may be wiped). */
async function stored (size: number): Promise<{ store: MemoryBlockstore, cid: Awaited<ReturnType<typeof storeEncrypted>>, key: Uint8Array, plaintext: Uint8Array }> {
  const store = new MemoryBlockstore()
  const plaintext = randomBytes(size)
  const key = generateFileKey()
  const cid = await storeEncrypted(new RecordingBlockstore(store), new Blob([plaintext]).stream(), { fileKey: key })
  return { store, cid, key, plaintext }
}

describe('a download wipes its file key', () => {
  it('once the whole file was read', async () => {
    const file = await stored(3 * 1024 * 1024 + 5)
    const key = file.key.slice()
    const back = new Uint8Array(await new Response(readDecrypted(file.store, file.cid, key, { plaintextLength: file.plaintext.length })).arrayBuffer())
    assert.deepEqual(back, file.plaintext)
    assert.ok(zeroed(key), 'the file key is overwritten after the download')
  })

  it('when the reader stops half-way', async () => {
    const file = await stored(3 * 1024 * 1024)
    const key = file.key.slice()
    const reader = readDecrypted(file.store, file.cid, key, { plaintextLength: file.plaintext.length }).getReader()
    assert.equal((await reader.read()).done, false)
    // Node may still run the decryptor's end after the cancel, which then has nowhere to put it.
    await reader.cancel().catch(() => {})
    await new Promise(resolve => setImmediate(resolve))
    assert.ok(zeroed(key))
  })

  it('when the file fails to decrypt (wrong key)', async () => {
    const file = await stored(100_000)
    const wrong = generateFileKey()
    await assert.rejects(new Response(readDecrypted(file.store, file.cid, wrong, { plaintextLength: 100_000 })).arrayBuffer(), { code: 'WRONG_KEY' })
    assert.ok(zeroed(wrong))
  })

  it('when a block is missing from the store', async () => {
    const file = await stored(3 * 1024 * 1024)
    const empty = new MemoryBlockstore()
    const key = file.key.slice()
    await assert.rejects(new Response(readDecrypted(empty, file.cid, key)).arrayBuffer())
    assert.ok(zeroed(key))
  })

  it('the decrypt stream wipes a key it owns when it is aborted or cancelled, even before the header arrived', async () => {
    const key = generateFileKey()
    const ciphertext = new Uint8Array(await new Response(new Blob([randomBytes(70_000)]).stream().pipeThrough(createEncryptStream({ key }))).arrayBuffer())
    for (const how of ['abort', 'cancel'] as const) {
      const owned = key.slice()
      const stream = createDecryptStream({ key: owned, wipeKey: true })
      const writer = stream.writable.getWriter()
      const reader = stream.readable.getReader()
      const reading = reader.read()
      reading.catch(() => {})
      // Half a header: nothing is decrypted, nothing fails, the stream just waits.
      await writer.write(ciphertext.subarray(0, 40))
      if (how === 'abort') await writer.abort(new Error('the download was stopped'))
      else await reader.cancel('the reader went away')
      assert.ok(zeroed(owned), `the key is overwritten on ${how}`)
    }
  })

  it('the decrypt stream wipes a key it owns, and leaves alone one it does not', async () => {
    const key = generateFileKey()
    const plaintext = randomBytes(70_000)
    const ciphertext = new Uint8Array(await new Response(new Blob([plaintext]).stream().pipeThrough(createEncryptStream({ key }))).arrayBuffer())
    const kept = key.slice()
    const borrowed = await new Response(new Blob([ciphertext]).stream().pipeThrough(createDecryptStream({ key: kept }))).arrayBuffer()
    assert.deepEqual(new Uint8Array(borrowed), plaintext)
    assert.deepEqual(kept, key)
    const owned = key.slice()
    const back = await new Response(new Blob([ciphertext]).stream().pipeThrough(createDecryptStream({ key: owned, wipeKey: true }))).arrayBuffer()
    assert.deepEqual(new Uint8Array(back), plaintext)
    assert.ok(zeroed(owned))
  })
})
