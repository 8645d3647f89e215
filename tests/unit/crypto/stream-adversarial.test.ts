import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { HEADER_LENGTH, createDecryptStream, encryptBytes, generateFileKey } from '../../../core/crypto/stream-format.ts'
import { concat, patternBytes, runTransform } from './stream-helpers.ts'

const SMALL = 4096
const FULL = SMALL + 16
const STREAM_CODES: ErrorCode[] = [
  'FORMAT_INVALID', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_ALGORITHM', 'HEADER_TAMPERED', 'WRONG_KEY', 'KEY_COMMITMENT_FAILED',
  'CHUNK_TAMPERED', 'CHUNK_REORDERED', 'CHUNK_DUPLICATED', 'STREAM_TRUNCATED', 'EXTRA_FINAL_CHUNK', 'TRAILING_DATA'
]

type Mutation =
  | { kind: 'flip', at: number, bit: number }
  | { kind: 'truncate', at: number }
  | { kind: 'delete', at: number, length: number }
  | { kind: 'insert', at: number, bytes: Uint8Array }
  | { kind: 'duplicate-chunk', index: number }
  | { kind: 'swap-chunks', a: number, b: number }

function apply (ct: Uint8Array, m: Mutation): Uint8Array {
  const n = ct.length
  switch (m.kind) {
    case 'flip': { const out = ct.slice(); const i = m.at % n; out[i] = (out[i] ?? 0) ^ (1 << m.bit); return out }
    case 'truncate': return ct.slice(0, m.at % n)
    case 'delete': { const at = m.at % n; return concat(ct.subarray(0, at), ct.subarray(Math.min(n, at + m.length))) }
    case 'insert': { const at = m.at % (n + 1); return concat(ct.subarray(0, at), m.bytes, ct.subarray(at)) }
    case 'duplicate-chunk': {
      const start = HEADER_LENGTH + (m.index % Math.ceil((n - HEADER_LENGTH) / FULL)) * FULL
      const end = Math.min(n, start + FULL)
      return concat(ct.subarray(0, end), ct.subarray(start, end), ct.subarray(end))
    }
    case 'swap-chunks': {
      const count = Math.floor((n - HEADER_LENGTH) / FULL)
      const [a, b] = [m.a % count, m.b % count].sort((x, y) => x - y) as [number, number]
      const chunk = (i: number): Uint8Array => ct.subarray(HEADER_LENGTH + i * FULL, HEADER_LENGTH + (i + 1) * FULL)
      return concat(ct.subarray(0, HEADER_LENGTH + a * FULL), chunk(b), ct.subarray(HEADER_LENGTH + (a + 1) * FULL, HEADER_LENGTH + b * FULL), chunk(a), ct.subarray(HEADER_LENGTH + (b + 1) * FULL))
    }
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 2 * FULL }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 100 }) }),
  fc.record({ kind: fc.constant('duplicate-chunk' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('swap-chunks' as const), a: fc.nat(), b: fc.nat() })
)

describe('STREAM decryption under random damage', () => {
  it('any change is refused with a STREAM error, and only authenticated chunks ever come out', async () => {
    const key = generateFileKey()
    const files = await Promise.all([0, 5, SMALL, 2 * SMALL, 4 * SMALL + 77].map(async size => {
      const plaintext = patternBytes(size, size + 1)
      return { plaintext, ciphertext: await encryptBytes(plaintext, { key, chunkSize: SMALL }) }
    }))
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: files.length - 1 }), mutation, fc.integer({ min: 1, max: 3 * FULL }), fc.integer({ min: 1, max: 5 }), fc.boolean(),
      async (fileIndex, m, inputSize, concurrency, knownLength) => {
        const file = files[fileIndex]
        assert.ok(file !== undefined)
        if ((m.kind === 'swap-chunks' && file.ciphertext.length < HEADER_LENGTH + 2 * FULL)) return
        const damaged = apply(file.ciphertext, m)
        const init = { key, concurrency, ...(knownLength ? { ciphertextLength: file.ciphertext.length } : {}) }
        const parts: Uint8Array[] = []
        for (let off = 0; off < damaged.length; off += inputSize) parts.push(damaged.slice(off, off + inputSize))
        const { out, error } = await runTransform(createDecryptStream(init), parts)
        const emitted = concat(...out)
        const unchanged = damaged.length === file.ciphertext.length && damaged.every((b, i) => b === file.ciphertext[i])
        if (unchanged) {
          assert.equal(error, undefined)
          assert.deepEqual(emitted, file.plaintext)
          return
        }
        assert.ok(isCairnError(error), `${m.kind}: expected a CairnError, got ${String(error)}`)
        assert.ok(STREAM_CODES.includes(error.code), error.code)
        // Whatever came out before the failure is whole, authentic chunks from the start.
        assert.equal(emitted.length % SMALL, 0)
        assert.ok(emitted.length < Math.max(file.plaintext.length, 1))
        assert.deepEqual(emitted, file.plaintext.subarray(0, emitted.length))
      }), { numRuns: 150 })
  })
})
