import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ChunkCipher } from '../../../core/crypto/stream-chunk.ts'
import { HEADER_LENGTH, OFFSET_ALG, OFFSET_CHUNK_LOG2, OFFSET_COMMITMENT, OFFSET_HEADER_MAC, OFFSET_NONCE_PREFIX, OFFSET_VERSION } from '../../../core/crypto/stream-constants.ts'
import { decryptBytes, encryptBytes, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { buildHeader, deriveFileSubkeys, type FileSubkeys } from '../../../core/crypto/stream-header.ts'
import type { ErrorCode } from '../../../core/errors.ts'
import { assertCode, assertDecryptFails, concat, patternBytes } from './stream-helpers.ts'

const SMALL = 4096
const FULL = SMALL + 16
const PREFIX = new Uint8Array([1, 2, 3, 4, 5, 6, 7])

/** Builds a ciphertext chunk by chunk from the format's own parts, for streams the encryptor never makes. */
async function craft (subkeys: FileSubkeys, chunks: Array<{ index: number, plaintext: Uint8Array, last: boolean }>): Promise<Uint8Array> {
  const header = buildHeader(subkeys, PREFIX, 12)
  const cipher = await ChunkCipher.create(subkeys, header)
  const body = await Promise.all(chunks.map(async c => await cipher.encrypt(c.index, c.plaintext, c.last)))
  return concat(header.bytes, ...body)
}

function flip (bytes: Uint8Array, offset: number, bit = 0): Uint8Array {
  const out = bytes.slice()
  out[offset] = (out[offset] ?? 0) ^ (1 << bit)
  return out
}

describe('STREAM format failures', async () => {
  const key = generateFileKey()
  const subkeys = deriveFileSubkeys(key)
  // Chunks 0, 1, 2 full; chunk 3 final with 5 bytes.
  const plaintext = patternBytes(3 * SMALL + 5, 42)
  const ciphertext = await encryptBytes(plaintext, { key, chunkSize: SMALL, noncePrefix: PREFIX })
  const chunkAt = (i: number): number => HEADER_LENGTH + i * FULL
  const chunk = (i: number): Uint8Array => ciphertext.slice(chunkAt(i), Math.min(chunkAt(i + 1), ciphertext.length))
  const header = ciphertext.slice(0, HEADER_LENGTH)
  const upToChunk = (n: number): Uint8Array => plaintext.subarray(0, n * SMALL)

  it('the untouched ciphertext decrypts (the fixture is sound)', async () => {
    assert.deepEqual(await decryptBytes(ciphertext, { key }), plaintext)
  })

  it('a flipped bit anywhere in the header is caught before any chunk, with the field named', async () => {
    const expected = (offset: number, bit: number): ErrorCode => {
      if (offset < OFFSET_VERSION) return 'FORMAT_INVALID'
      if (offset === OFFSET_VERSION) return 'UNSUPPORTED_VERSION'
      if (offset === OFFSET_ALG) return 'UNSUPPORTED_ALGORITHM'
      // The commitment is not under the header MAC: a changed one no longer commits to the key.
      if (offset >= OFFSET_COMMITMENT && offset < OFFSET_HEADER_MAC) return 'KEY_COMMITMENT_FAILED'
      void bit
      return 'HEADER_TAMPERED'
    }
    for (let offset = 0; offset < HEADER_LENGTH; offset++) {
      for (const bit of [0, 7]) {
        const code = expected(offset, bit)
        await assert.rejects(decryptBytes(flip(ciphertext, offset, bit), { key }), (err: unknown) => {
          assertCode(err, code, `header byte ${offset} bit ${bit}`)
          return true
        })
      }
    }
  })

  it('a changed chunk size (in or out of bounds) and a changed nonce prefix are HEADER_TAMPERED', async () => {
    for (const value of [13, 20, 11, 25, 200]) {
      const changed = ciphertext.slice()
      changed[OFFSET_CHUNK_LOG2] = value
      await assertDecryptFails(changed, { key }, 'HEADER_TAMPERED', new Uint8Array(0))
    }
    await assertDecryptFails(flip(ciphertext, OFFSET_NONCE_PREFIX + 3), { key }, 'HEADER_TAMPERED', new Uint8Array(0))
    await assertDecryptFails(flip(ciphertext, OFFSET_HEADER_MAC + 31, 7), { key }, 'HEADER_TAMPERED', new Uint8Array(0))
  })

  it('an out-of-bounds chunk size in an otherwise valid header is FORMAT_INVALID', async () => {
    const forged = ciphertext.slice()
    forged[OFFSET_CHUNK_LOG2] = 30
    // Re-MAC the header so only the bounds check can object.
    const { hmac } = await import('@noble/hashes/hmac.js')
    const { sha256 } = await import('@noble/hashes/sha2.js')
    forged.set(hmac(sha256, subkeys.headerMacKey, forged.subarray(0, OFFSET_COMMITMENT)), OFFSET_HEADER_MAC)
    await assertDecryptFails(forged, { key }, 'FORMAT_INVALID')
  })

  it('a flipped bit in a chunk body or tag is CHUNK_TAMPERED, and nothing of that chunk comes out', async () => {
    await assertDecryptFails(flip(ciphertext, chunkAt(1) + 100), { key }, 'CHUNK_TAMPERED', upToChunk(1))
    await assertDecryptFails(flip(ciphertext, chunkAt(2) - 1, 3), { key }, 'CHUNK_TAMPERED', upToChunk(1))
    await assertDecryptFails(flip(ciphertext, chunkAt(0)), { key }, 'CHUNK_TAMPERED', new Uint8Array(0))
    // The final chunk (body, then tag).
    await assertDecryptFails(flip(ciphertext, chunkAt(3) + 2), { key }, 'CHUNK_TAMPERED', upToChunk(3))
    await assertDecryptFails(flip(ciphertext, ciphertext.length - 1), { key }, 'CHUNK_TAMPERED', upToChunk(3))
    await assertDecryptFails(flip(ciphertext, ciphertext.length - 1), { key, ciphertextLength: ciphertext.length }, 'CHUNK_TAMPERED', upToChunk(3))
  })

  it('truncation at a chunk boundary is STREAM_TRUNCATED (no final chunk)', async () => {
    for (const n of [3, 2, 1]) {
      await assertDecryptFails(ciphertext.slice(0, chunkAt(n)), { key }, 'STREAM_TRUNCATED', upToChunk(n))
    }
    await assertDecryptFails(header, { key }, 'STREAM_TRUNCATED', new Uint8Array(0))
  })

  it('truncation inside a chunk is STREAM_TRUNCATED when the length is known or the tag is cut', async () => {
    const cut = ciphertext.slice(0, chunkAt(2) + 1000)
    await assertDecryptFails(cut, { key, ciphertextLength: ciphertext.length }, 'STREAM_TRUNCATED', upToChunk(2))
    await assertDecryptFails(cut, { key, plaintextLength: plaintext.length }, 'STREAM_TRUNCATED', upToChunk(2))
    await assertDecryptFails(ciphertext.slice(0, ciphertext.length - 7), { key, ciphertextLength: ciphertext.length }, 'STREAM_TRUNCATED', upToChunk(3))
    // Fewer bytes than a tag left of the last chunk: nothing else it could be.
    await assertDecryptFails(ciphertext.slice(0, chunkAt(2) + 9), { key }, 'STREAM_TRUNCATED', upToChunk(2))
    // Without the length, a cut inside the last chunk cannot be told from a change to it.
    await assertDecryptFails(cut, { key }, 'CHUNK_TAMPERED', upToChunk(2))
  })

  it('truncation inside the header', async () => {
    await assertDecryptFails(header.slice(0, 40), { key }, 'STREAM_TRUNCATED')
    await assertDecryptFails(header.slice(0, 3), { key }, 'FORMAT_INVALID')
    await assertDecryptFails(new Uint8Array(0), { key }, 'FORMAT_INVALID')
  })

  it('reordered chunks are CHUNK_REORDERED; a missing chunk too', async () => {
    const swapped = concat(header, chunk(0), chunk(2), chunk(1), chunk(3))
    await assertDecryptFails(swapped, { key }, 'CHUNK_REORDERED', upToChunk(1))
    const missing = concat(header, chunk(0), chunk(2), chunk(3))
    await assertDecryptFails(missing, { key }, 'CHUNK_REORDERED', upToChunk(1))
  })

  it('a duplicated chunk is CHUNK_DUPLICATED, including a duplicated final chunk', async () => {
    await assertDecryptFails(concat(header, chunk(0), chunk(1), chunk(1), chunk(2), chunk(3)), { key }, 'CHUNK_DUPLICATED', upToChunk(2))
    await assertDecryptFails(concat(ciphertext, chunk(3)), { key }, 'CHUNK_DUPLICATED', upToChunk(3))
    await assertDecryptFails(concat(ciphertext, chunk(3)), { key, ciphertextLength: ciphertext.length }, 'CHUNK_DUPLICATED', upToChunk(3))
    await assertDecryptFails(concat(ciphertext, chunk(1)), { key }, 'CHUNK_DUPLICATED', upToChunk(3))
    // A full-size final chunk twice.
    const even = await encryptBytes(plaintext.subarray(0, 2 * SMALL), { key, chunkSize: SMALL, noncePrefix: PREFIX })
    await assertDecryptFails(concat(even, even.slice(chunkAt(1))), { key }, 'CHUNK_DUPLICATED', upToChunk(1))
  })

  it('a stream whose chunks are all non-final is STREAM_TRUNCATED', async () => {
    const noFinal = await craft(subkeys, [0, 1, 2].map(index => ({ index, plaintext: patternBytes(index === 2 ? 5 : SMALL, index), last: false })))
    await assertDecryptFails(noFinal, { key }, 'STREAM_TRUNCATED')
  })

  it('two final chunks are EXTRA_FINAL_CHUNK', async () => {
    const fullFirst = await craft(subkeys, [
      { index: 0, plaintext: patternBytes(SMALL, 1), last: true },
      { index: 1, plaintext: patternBytes(100, 2), last: true }
    ])
    await assertDecryptFails(fullFirst, { key }, 'EXTRA_FINAL_CHUNK', new Uint8Array(0))
    const shortFirst = await craft(subkeys, [
      { index: 0, plaintext: patternBytes(100, 1), last: true },
      { index: 1, plaintext: patternBytes(5, 2), last: true }
    ])
    await assertDecryptFails(shortFirst, { key }, 'EXTRA_FINAL_CHUNK', new Uint8Array(0))
    await assertDecryptFails(shortFirst, { key, ciphertextLength: HEADER_LENGTH + 116 }, 'EXTRA_FINAL_CHUNK', new Uint8Array(0))
  })

  it('bytes after the final chunk are TRAILING_DATA, and the final chunk is held back', async () => {
    await assertDecryptFails(concat(ciphertext, new Uint8Array(5)), { key }, 'TRAILING_DATA', upToChunk(3))
    await assertDecryptFails(concat(ciphertext, new Uint8Array(1)), { key, ciphertextLength: ciphertext.length }, 'TRAILING_DATA', upToChunk(3))
    await assertDecryptFails(concat(ciphertext, patternBytes(3 * FULL, 7)), { key }, 'TRAILING_DATA', upToChunk(3))
    const even = await encryptBytes(plaintext.subarray(0, 2 * SMALL), { key, chunkSize: SMALL, noncePrefix: PREFIX })
    await assertDecryptFails(concat(even, new Uint8Array([0])), { key }, 'TRAILING_DATA', upToChunk(1))
    const empty = await encryptBytes(new Uint8Array(0), { key, chunkSize: SMALL })
    await assertDecryptFails(concat(empty, new Uint8Array(3)), { key }, 'TRAILING_DATA', new Uint8Array(0))
  })

  it('the wrong key is WRONG_KEY before anything is decrypted', async () => {
    await assertDecryptFails(ciphertext, { key: generateFileKey() }, 'WRONG_KEY', new Uint8Array(0))
    await assertDecryptFails(ciphertext, { key: new Uint8Array(16) }, 'WRONG_KEY', new Uint8Array(0))
  })

  it('a header MAC-valid under the key but committing to another key is KEY_COMMITMENT_FAILED', async () => {
    // An attacker who knows both keys makes a file whose header passes the MAC
    // under the victim's key while its chunks are under another key.
    const other = deriveFileSubkeys(generateFileKey())
    const mixed = { contentKey: other.contentKey, commitment: other.commitment, headerMacKey: subkeys.headerMacKey }
    const forged = await craft(mixed, [{ index: 0, plaintext: patternBytes(50), last: true }])
    await assertDecryptFails(forged, { key }, 'KEY_COMMITMENT_FAILED', new Uint8Array(0))
    // Splicing one file's commitment into another's header is caught the same way.
    const spliced = ciphertext.slice()
    spliced.set(other.commitment, OFFSET_COMMITMENT)
    await assertDecryptFails(spliced, { key }, 'KEY_COMMITMENT_FAILED', new Uint8Array(0))
  })

  it('a chunk spliced in from another file under the same key is refused', async () => {
    const second = await encryptBytes(patternBytes(3 * SMALL + 5, 43), { key, chunkSize: SMALL })
    const spliced = concat(header, chunk(0), second.slice(chunkAt(1), chunkAt(2)), chunk(2), chunk(3))
    await assertDecryptFails(spliced, { key }, 'CHUNK_TAMPERED', upToChunk(1))
  })

  it('an impossible or inconsistent length hint is FORMAT_INVALID', async () => {
    await assertDecryptFails(ciphertext, { key, ciphertextLength: HEADER_LENGTH + 10 }, 'FORMAT_INVALID')
    await assertDecryptFails(ciphertext, { key, ciphertextLength: HEADER_LENGTH + FULL + 16 }, 'FORMAT_INVALID')
    await assertDecryptFails(ciphertext, { key, ciphertextLength: ciphertext.length, plaintextLength: 5 }, 'FORMAT_INVALID')
  })

  it('trailing bytes after a short final chunk are found without the length, if short or a copy', async () => {
    const small = await encryptBytes(patternBytes(30), { key, chunkSize: SMALL })
    await assertDecryptFails(concat(small, patternBytes(60, 3)), { key }, 'TRAILING_DATA', new Uint8Array(0))
    await assertDecryptFails(concat(small, small.slice(HEADER_LENGTH)), { key }, 'CHUNK_DUPLICATED', new Uint8Array(0))
    await assertDecryptFails(concat(small, patternBytes(5000, 3)), { key }, 'TRAILING_DATA', new Uint8Array(0))
    // A long tail after a long final chunk is past what the bounded search tries; still refused.
    const long = await encryptBytes(patternBytes(2000), { key, chunkSize: SMALL })
    await assertDecryptFails(concat(long, patternBytes(1000, 3)), { key }, 'CHUNK_TAMPERED', new Uint8Array(0))
    await assertDecryptFails(concat(long, patternBytes(1000, 3)), { key, ciphertextLength: long.length }, 'TRAILING_DATA', new Uint8Array(0))
  })

  it('failures are named the same with the default 1 MiB chunk, at bounded cost', async () => {
    const C = 2 ** 20
    const big = patternBytes(3 * C + 5, 11)
    const ct = await encryptBytes(big, { key })
    const at = (i: number): number => HEADER_LENGTH + i * (C + 16)
    const part = (i: number): Uint8Array => ct.subarray(at(i), Math.min(at(i + 1), ct.length))
    const cases: Array<[Uint8Array, ErrorCode]> = [
      [flip(ct, at(1) + 12345), 'CHUNK_TAMPERED'],
      [concat(ct.subarray(0, at(1)), part(2), part(1), part(3)), 'CHUNK_REORDERED'],
      [concat(ct.subarray(0, at(2)), part(1), ct.subarray(at(2))), 'CHUNK_DUPLICATED'],
      [ct.subarray(0, at(3)), 'STREAM_TRUNCATED'],
      [concat(ct, new Uint8Array(9)), 'TRAILING_DATA']
    ]
    for (const [bad, code] of cases) {
      const started = performance.now()
      await assert.rejects(decryptBytes(bad, { key }), (err: unknown) => { assertCode(err, code, code); return true })
      assert.ok(performance.now() - started < 5000, `${code} took too long to name`)
    }
  })
})
