import assert from 'node:assert/strict'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { createDecryptStream, createEncryptStream, decryptBytes, type DecryptStreamInit } from '../../../core/crypto/stream-format.ts'

/** Deterministic pseudo-random bytes (not crypto): plaintext that differs chunk to chunk. */
export function patternBytes (length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

export function concat (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) { out.set(p, off); off += p.length }
  return out
}

/** Splits `bytes` into pieces of `size` bytes (the last may be shorter). */
export function pieces (bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let off = 0; off < bytes.length; off += size) out.push(bytes.slice(off, off + size))
  return out
}

function streamOf (parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull (controller) {
      const next = parts[i++]
      if (next === undefined) controller.close()
      else controller.enqueue(next)
    }
  }, { highWaterMark: 0 })
}

/** Runs `parts` through a transform; returns every output chunk, or the error with what came out before it. */
export async function runTransform (transform: TransformStream<Uint8Array, Uint8Array> | (() => TransformStream<Uint8Array, Uint8Array>), parts: Uint8Array[]): Promise<{ out: Uint8Array[], error?: unknown }> {
  const out: Uint8Array[] = []
  try {
    // A factory lets a transform that refuses its options at construction count as a failure too.
    const stream = typeof transform === 'function' ? transform() : transform
    for await (const chunk of streamOf(parts).pipeThrough(stream)) out.push(chunk)
    return { out }
  } catch (error) {
    return { out, error }
  }
}

export async function encryptPieces (plaintext: Uint8Array, init: Parameters<typeof createEncryptStream>[0], inputSize = plaintext.length || 1): Promise<Uint8Array[]> {
  const { out, error } = await runTransform(createEncryptStream(init), pieces(plaintext, inputSize))
  if (error !== undefined) throw error
  return out
}

/** Decrypts through the stream, fed in pieces of `inputSize`. */
export async function decryptStreamed (ciphertext: Uint8Array, init: DecryptStreamInit, inputSize: number): Promise<{ plaintext: Uint8Array, error?: unknown }> {
  const { out, error } = await runTransform(() => createDecryptStream(init), pieces(ciphertext, inputSize))
  return { plaintext: concat(...out), error }
}

export function assertCode (error: unknown, code: ErrorCode, context = ''): void {
  assert.ok(isCairnError(error), `${context}: expected CairnError ${code}, got ${String(error)}`)
  assert.equal(error.code, code, `${context}: ${error.message}`)
}

/**
 * Decrypting `ciphertext` must fail with `code`, both as a whole buffer and
 * through the stream fed in a few odd input sizes. With `expectedPlainPrefix`
 * (the plaintext of the chunks before the bad one), whatever the stream
 * emitted before failing must be a prefix of it: nothing unauthenticated.
 */
export async function assertDecryptFails (ciphertext: Uint8Array, init: DecryptStreamInit, code: ErrorCode, expectedPlainPrefix?: Uint8Array): Promise<void> {
  await assert.rejects(decryptBytes(ciphertext, init), (err: unknown) => { assertCode(err, code, 'decryptBytes'); return true })
  for (const size of [7, 1000, 4096 + 16, 65536]) {
    const { plaintext, error } = await decryptStreamed(ciphertext, init, size)
    assertCode(error, code, `stream in ${size}-byte pieces`)
    if (expectedPlainPrefix !== undefined) {
      assert.ok(plaintext.length <= expectedPlainPrefix.length, `emitted ${plaintext.length} bytes, only ${expectedPlainPrefix.length} authenticate`)
      assert.deepEqual(plaintext, expectedPlainPrefix.subarray(0, plaintext.length))
    }
  }
}
