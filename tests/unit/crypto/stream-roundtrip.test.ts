import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  DEFAULT_CHUNK_SIZE, HEADER_LENGTH, TAG_LENGTH, createEncryptStream, decryptBytes, encryptBytes, encryptedSize, generateFileKey
} from '../../../core/crypto/stream-format.ts'
import { assertCode, concat, decryptStreamed, encryptPieces, patternBytes, runTransform } from './stream-helpers.ts'

const C = DEFAULT_CHUNK_SIZE
const SMALL = 4096

describe('STREAM format round trips', () => {
  const key = generateFileKey()

  for (const size of [0, 1, C - 1, C, C + 1, 3 * C + 5]) {
    it(`${size} bytes with the default 1 MiB chunk`, async () => {
      const plaintext = patternBytes(size, size + 1)
      const ciphertext = await encryptBytes(plaintext, { key })
      assert.equal(ciphertext.length, encryptedSize(size))
      assert.equal(ciphertext.length, HEADER_LENGTH + size + Math.max(1, Math.ceil(size / C)) * TAG_LENGTH)
      assert.deepEqual(await decryptBytes(ciphertext, { key }), plaintext)
      // With the length known up front as well.
      assert.deepEqual(await decryptBytes(ciphertext, { key, plaintextLength: size }), plaintext)
      assert.deepEqual(await decryptBytes(ciphertext, { key, ciphertextLength: ciphertext.length }), plaintext)
    })
  }

  it('a file that is a multiple of the chunk size ends with a full final chunk', async () => {
    const ciphertext = await encryptBytes(patternBytes(2 * SMALL), { key, chunkSize: SMALL })
    assert.equal(ciphertext.length, HEADER_LENGTH + 2 * (SMALL + TAG_LENGTH))
  })

  it('an empty file is the header and one empty final chunk (a bare tag)', async () => {
    const ciphertext = await encryptBytes(new Uint8Array(0), { key })
    assert.equal(ciphertext.length, HEADER_LENGTH + TAG_LENGTH)
    assert.equal((await decryptBytes(ciphertext, { key })).length, 0)
  })

  it('the encrypt stream emits the header, then exactly one output chunk per ciphertext chunk', async () => {
    const plaintext = patternBytes(3 * SMALL + 5)
    for (const inputSize of [1, 7, 1000, SMALL, SMALL + 1, 3 * SMALL + 5]) {
      const out = await encryptPieces(plaintext, { key, chunkSize: SMALL, noncePrefix: new Uint8Array(7) }, inputSize)
      assert.deepEqual(out.map(p => p.length), [HEADER_LENGTH, SMALL + 16, SMALL + 16, SMALL + 16, 5 + 16], `input in ${inputSize}-byte pieces`)
      // Same fixed inputs, any input chunking → the same bytes.
      assert.deepEqual(concat(...out), await encryptBytes(plaintext, { key, chunkSize: SMALL, noncePrefix: new Uint8Array(7) }))
    }
  })

  it('the encrypt stream emits one empty final chunk for empty input, and handles empty input chunks', async () => {
    const { out } = await runTransform(createEncryptStream({ key, chunkSize: SMALL }), [new Uint8Array(0), new Uint8Array(0)])
    assert.deepEqual(out.map(p => p.length), [HEADER_LENGTH, TAG_LENGTH])
  })

  it('two encryptions of the same plaintext differ (random nonce prefix)', async () => {
    const plaintext = patternBytes(100)
    assert.notDeepEqual(await encryptBytes(plaintext, { key }), await encryptBytes(plaintext, { key }))
  })

  it('streaming decrypt accepts any input chunking', async () => {
    const plaintext = patternBytes(3 * SMALL + 5, 9)
    const ciphertext = await encryptBytes(plaintext, { key, chunkSize: SMALL })
    for (const inputSize of [1, 7, 16, 17, 79, 80, 81, 1000, SMALL, SMALL + 15, SMALL + 16, SMALL + 17, 3 * SMALL, ciphertext.length]) {
      for (const init of [{ key }, { key, ciphertextLength: ciphertext.length }]) {
        const { plaintext: out, error } = await decryptStreamed(ciphertext, init, inputSize)
        assert.equal(error, undefined, `${inputSize}-byte pieces: ${String(error)}`)
        assert.deepEqual(out, plaintext)
      }
    }
  })

  it('streaming decrypt of a default-chunk file fed in odd-sized pieces', async () => {
    const plaintext = patternBytes(2 * C + 1, 3)
    const ciphertext = await encryptBytes(plaintext, { key })
    for (const inputSize of [997, 65536, C + 17]) {
      const { plaintext: out, error } = await decryptStreamed(ciphertext, { key }, inputSize)
      assert.equal(error, undefined)
      assert.deepEqual(out, plaintext)
    }
  })

  it('emits each chunk as soon as it authenticates, before the input ends', async () => {
    const plaintext = patternBytes(4 * SMALL, 5)
    const ciphertext = await encryptBytes(plaintext, { key, chunkSize: SMALL })
    const { createDecryptStream } = await import('../../../core/crypto/stream-format.ts')
    const decrypt = createDecryptStream({ key, concurrency: 1 })
    const writer = decrypt.writable.getWriter()
    const reader = decrypt.readable.getReader()
    // Header and two whole chunks plus one byte of the third: chunk 0 is then known not to be final.
    void writer.write(ciphertext.slice(0, HEADER_LENGTH + 2 * (SMALL + TAG_LENGTH) + 1))
    const first = await reader.read()
    assert.deepEqual(first.value, plaintext.subarray(0, SMALL))
    await writer.abort()
  })

  it('accepts every chunk size from 2^12 to 2^24 and refuses others', async () => {
    const plaintext = patternBytes(5000)
    for (let log2 = 12; log2 <= 24; log2 += 4) {
      const ciphertext = await encryptBytes(plaintext, { key, chunkSize: 2 ** log2 })
      assert.deepEqual(await decryptBytes(ciphertext, { key }), plaintext)
    }
    for (const chunkSize of [2048, 2 ** 25, 5000]) {
      assert.throws(() => createEncryptStream({ key, chunkSize }), (err: unknown) => { assertCode(err, 'FORMAT_INVALID'); return true })
    }
  })
})
