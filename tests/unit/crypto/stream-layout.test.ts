import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  HEADER_LENGTH, chunkCount, chunkLocation, encryptBytes, encryptedSize, generateFileKey, openEncryptedFile, plaintextRangeToChunks, plaintextSize
} from '../../../core/crypto/stream-format.ts'
import { assertCode, concat, patternBytes } from './stream-helpers.ts'

const SMALL = 4096

describe('STREAM layout arithmetic', () => {
  it('encryptedSize and plaintextSize are inverse, and impossible sizes are refused', () => {
    for (const size of [0, 1, 15, 16, SMALL - 1, SMALL, SMALL + 1, 2 * SMALL, 5 * SMALL + 77]) {
      assert.equal(plaintextSize(encryptedSize(size, SMALL), SMALL), size)
      assert.equal(chunkCount(size, SMALL), Math.max(1, Math.ceil(size / SMALL)))
    }
    for (const bad of [0, HEADER_LENGTH, HEADER_LENGTH + 15, HEADER_LENGTH + SMALL + 16 + 16, HEADER_LENGTH + SMALL + 16 + 5]) {
      assert.throws(() => plaintextSize(bad, SMALL), (err: unknown) => { assertCode(err, 'FORMAT_INVALID'); return true })
    }
  })

  it('chunkLocation matches the bytes the encryptor writes', async () => {
    const plaintext = patternBytes(3 * SMALL + 5)
    const ct = await encryptBytes(plaintext, { key: generateFileKey(), chunkSize: SMALL })
    const locations = [0, 1, 2, 3].map(i => chunkLocation(i, plaintext.length, SMALL))
    assert.deepEqual(locations.map(l => [l.offset, l.length, l.final]), [
      [80, SMALL + 16, false], [80 + SMALL + 16, SMALL + 16, false], [80 + 2 * (SMALL + 16), SMALL + 16, false], [80 + 3 * (SMALL + 16), 21, true]
    ])
    const last = locations[3]
    assert.ok(last !== undefined)
    assert.equal(last.offset + last.length, ct.length)
    assert.throws(() => chunkLocation(4, plaintext.length, SMALL))
  })

  it('a plaintext range read through single chunks gives exactly those bytes', async () => {
    const key = generateFileKey()
    const plaintext = patternBytes(5 * SMALL + 123, 77)
    const ct = await encryptBytes(plaintext, { key, chunkSize: SMALL })
    const reader = await openEncryptedFile(key, ct.subarray(0, HEADER_LENGTH))
    const ranges: Array<[number, number]> = [[0, 0], [0, 1], [0, SMALL], [SMALL - 1, SMALL + 1], [SMALL, 2 * SMALL], [100, 5 * SMALL + 123],
      [5 * SMALL, 5 * SMALL + 123], [5 * SMALL + 122, 10 ** 9], [3 * SMALL + 7, 3 * SMALL + 8], [10 ** 9, 10 ** 9 + 5]]
    for (const [start, end] of ranges) {
      const r = plaintextRangeToChunks(start, end, plaintext.length, SMALL)
      const parts: Uint8Array[] = []
      let off = r.cipherStart
      for (let i = r.firstChunk; i <= r.lastChunk; i++) {
        const loc = chunkLocation(i, plaintext.length, SMALL)
        assert.equal(loc.offset, off)
        parts.push(await reader.decryptChunk(i, ct.subarray(loc.offset, loc.offset + loc.length), loc.final))
        off += loc.length
      }
      assert.equal(off, r.cipherEnd)
      const got = concat(...parts).subarray(r.skip, r.skip + r.length)
      assert.deepEqual(got, plaintext.subarray(Math.min(start, plaintext.length), Math.min(end, plaintext.length)), `range ${start}..${end}`)
    }
  })

  it('a single chunk read at the wrong position or with the wrong final flag is refused', async () => {
    const key = generateFileKey()
    const plaintext = patternBytes(2 * SMALL + 9)
    const ct = await encryptBytes(plaintext, { key, chunkSize: SMALL })
    const reader = await openEncryptedFile(key, ct)
    const loc = chunkLocation(1, plaintext.length, SMALL)
    const bytes = ct.subarray(loc.offset, loc.offset + loc.length)
    assert.deepEqual(await reader.decryptChunk(1, bytes, false), plaintext.subarray(SMALL, 2 * SMALL))
    await assert.rejects(reader.decryptChunk(0, bytes, false), (err: unknown) => { assertCode(err, 'CHUNK_TAMPERED'); return true })
    await assert.rejects(reader.decryptChunk(1, bytes, true), (err: unknown) => { assertCode(err, 'CHUNK_TAMPERED'); return true })
    await assert.rejects(openEncryptedFile(generateFileKey(), ct), (err: unknown) => { assertCode(err, 'WRONG_KEY'); return true })
  })
})
