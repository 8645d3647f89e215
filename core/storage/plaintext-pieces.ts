import { DEFAULT_CHUNK_SIZE } from '../crypto/stream-constants.ts'
import { Rechunker } from '../crypto/stream-rechunker.ts'

/** One plaintext chunk of a file being added, and whether it is the file's last. */
export interface PlaintextPiece {
  bytes: Uint8Array
  last: boolean
}

/** The chunks of an add's plaintext, and how to stop reading them (also a read under way). */
export interface PlaintextReader {
  pieces: AsyncGenerator<PlaintextPiece>
  /** Lets the source go; call it once, however the reading ended. */
  cancel: () => Promise<void>
}

/**
 * Whole chunks from a byte stream (a Blob's `stream()` is one), read straight
 * into a buffer of their own: no buffer per stream piece, no copy to join
 * pieces, and each chunk's buffer can go to a seal worker whole (transferred).
 */
async function * byobPieces (reader: ReadableStreamBYOBReader, isCancelled: () => boolean, spares: Uint8Array[]): AsyncGenerator<PlaintextPiece> {
  // A spent chunk's buffer when there is one: a fresh MiB costs a mapping and a fault per page.
  const nextBuffer = (): Uint8Array<ArrayBuffer> => {
    const spare = spares.pop()
    return spare !== undefined && spare.buffer instanceof ArrayBuffer && spare.byteOffset === 0 && spare.byteLength === DEFAULT_CHUNK_SIZE && spare.buffer.byteLength === DEFAULT_CHUNK_SIZE
      ? spare as Uint8Array<ArrayBuffer>
      : new Uint8Array(DEFAULT_CHUNK_SIZE)
  }
  // A full chunk is final only if the stream ends right after it.
  let held: Uint8Array | undefined
  let buffer = nextBuffer()
  let filled = 0
  for (;;) {
    const next = await reader.read(buffer.subarray(filled))
    if (isCancelled()) return
    // The read took the buffer over and hands it back in `value` (absent only if cancelled).
    if (next.value !== undefined) buffer = new Uint8Array(next.value.buffer as ArrayBuffer)
    filled += next.value?.byteLength ?? 0
    if (next.done === true) break
    if (held !== undefined && filled > 0) {
      yield { bytes: held, last: false }
      held = undefined
    }
    if (filled === DEFAULT_CHUNK_SIZE) {
      held = buffer
      buffer = nextBuffer()
      filled = 0
    }
  }
  if (filled > 0) {
    if (held !== undefined) yield { bytes: held, last: false }
    yield { bytes: buffer.subarray(0, filled), last: true }
  } else {
    yield { bytes: held ?? new Uint8Array(0), last: true }
  }
}

/** Whole chunks from any stream: pieces that straddle stream chunks are copied together. */
async function * rechunkedPieces (reader: ReadableStreamDefaultReader<Uint8Array>, isCancelled: () => boolean): AsyncGenerator<PlaintextPiece> {
  const rechunker = new Rechunker(DEFAULT_CHUNK_SIZE)
  // The last whole piece: final only if the input ends right after it.
  let held: Uint8Array | undefined
  for (;;) {
    const next = await reader.read()
    if (isCancelled()) return
    if (next.done === true) break
    for (const whole of rechunker.push(next.value)) {
      if (held !== undefined) yield { bytes: held, last: false }
      held = whole
    }
    if (held !== undefined && rechunker.buffered > 0) {
      yield { bytes: held, last: false }
      held = undefined
    }
  }
  const rest = rechunker.takeRest()
  yield { bytes: rest.length > 0 ? rest : held ?? new Uint8Array(0), last: true }
}

/** A byte stream's reader that fills our buffers, when the stream is one. */
function byobReader (stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return stream.getReader({ mode: 'byob' })
  } catch (err) {
    // Not a byte stream (or a runtime without them): read it the ordinary way.
    if (err instanceof TypeError) return undefined
    throw err
  }
}

/**
 * The plaintext of an add as 1 MiB chunks (the STREAM format's chunk size),
 * the last one flagged; an empty input is one empty last chunk. `spares`:
 * buffers of chunks already sealed, which nobody holds any more; a byte
 * stream is read into them before new ones are made.
 */
export function readPlaintext (stream: ReadableStream<Uint8Array>, spares: Uint8Array[] = []): PlaintextReader {
  let cancelled = false
  const isCancelled = (): boolean => cancelled
  const byob = byobReader(stream)
  const reader = byob ?? stream.getReader()
  return {
    pieces: byob !== undefined ? byobPieces(byob, isCancelled, spares) : rechunkedPieces(reader as ReadableStreamDefaultReader<Uint8Array>, isCancelled),
    cancel: async () => {
      cancelled = true
      // Also ends a read under way, so the pieces stop at once.
      await reader.cancel().catch(() => {})
    }
  }
}
