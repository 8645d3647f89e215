import { aboutFile, isCairnError, type ErrorCode } from '../errors.ts'

/** Decrypt failures a damaged ciphertext block causes (any byte of a leaf: header, body or tag). */
const DAMAGE_SIGNS = new Set<ErrorCode>([
  'FORMAT_INVALID', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_ALGORITHM', 'HEADER_TAMPERED', 'WRONG_KEY',
  'KEY_COMMITMENT_FAILED', 'CHUNK_TAMPERED', 'CHUNK_REORDERED', 'CHUNK_DUPLICATED', 'STREAM_TRUNCATED',
  'EXTRA_FINAL_CHUNK', 'TRAILING_DATA'
])

/** True for a failure that a damaged stored block could explain. */
export function mayBeDamage (err: unknown): boolean {
  return isCairnError(err) && DAMAGE_SIGNS.has(err.code)
}

/**
 * A plaintext stream that survives one repair: when reading fails in a way
 * damage could explain, `recover` checks (and repairs) the stored blocks;
 * if it repaired something, the read starts again and skips what was
 * already delivered (the decryptor only ever delivers authenticated bytes),
 * else the first error stands. `recover` may throw a better error (the
 * damaged block it could not repair).
 */
export function recoveringStream (open: () => ReadableStream<Uint8Array>, recover: (err: unknown) => Promise<boolean>): ReadableStream<Uint8Array> {
  let reader = open().getReader()
  let delivered = 0
  let skip = 0
  let recovered = false
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>
        try {
          next = await reader.read()
        } catch (err) {
          if (recovered || !mayBeDamage(err) || !(await recover(err))) throw err
          recovered = true
          reader = open().getReader()
          skip = delivered
          continue
        }
        if (next.done) { controller.close(); return }
        let bytes = next.value
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.byteLength)
          skip -= dropped
          bytes = bytes.subarray(dropped)
          if (bytes.byteLength === 0) continue
        }
        delivered += bytes.byteLength
        controller.enqueue(bytes)
        return
      }
    },
    async cancel (reason) {
      await reader.cancel(reason)
    }
  })
}

/**
 * The same bytes, but a Cairn error raised while reading (damage, a block
 * not found, the vault locking) names the file it concerns in `fileId`, so
 * the UI can point at the file.
 */
export function namingFile (stream: ReadableStream<Uint8Array>, fileId: string): ReadableStream<Uint8Array> {
  const reader = stream.getReader()
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (err) {
        throw aboutFile(err, fileId)
      }
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel (reason) {
      await reader.cancel(reason)
    }
  }, { highWaterMark: 0 })
}
