import { DEFAULT_CHUNK_SIZE } from '../crypto/stream-constants.ts'
import { Rechunker } from '../crypto/stream-rechunker.ts'

/** One plaintext chunk of a file being added, and whether it is the file's last. */
export interface PlaintextPiece {
  bytes: Uint8Array
  last: boolean
  /**
   * The bytes are in a buffer the reader made for this piece alone (not the
   * stream's own, which its source may still hold): once sealed, the buffer
   * may be handed back and filled again.
   */
  recyclable: boolean
}

/** The chunks of an add's plaintext, and how to stop reading them (also a read under way). */
export interface PlaintextReader {
  pieces: AsyncGenerator<PlaintextPiece>
  /** Lets the source go; call it once, however the reading ended. */
  cancel: () => Promise<void>
}

/** Whole chunks from any stream: pieces that straddle stream chunks are copied together, into a spare buffer when there is one. */
async function * rechunkedPieces (reader: ReadableStreamDefaultReader<Uint8Array>, isCancelled: () => boolean, spares: Uint8Array[]): AsyncGenerator<PlaintextPiece> {
  // The buffers this reader filled; a piece in any other is the stream's own.
  const made = new WeakSet<ArrayBufferLike>()
  const rechunker = new Rechunker(DEFAULT_CHUNK_SIZE, (size) => {
    const spare = spares.pop()
    const buffer = spare?.buffer instanceof ArrayBuffer && spare.byteLength === size ? spare as Uint8Array<ArrayBuffer> : new Uint8Array(size)
    made.add(buffer.buffer)
    return buffer
  })
  const piece = (bytes: Uint8Array, last: boolean): PlaintextPiece => ({ bytes, last, recyclable: made.has(bytes.buffer) })
  // The last whole piece: final only if the input ends right after it.
  let held: Uint8Array | undefined
  for (;;) {
    const next = await reader.read()
    if (isCancelled()) return
    if (next.done === true) break
    for (const whole of rechunker.push(next.value)) {
      if (held !== undefined) yield piece(held, false)
      held = whole
    }
    if (held !== undefined && rechunker.buffered > 0) {
      yield piece(held, false)
      held = undefined
    }
  }
  const rest = rechunker.takeRest()
  yield piece(rest.length > 0 ? rest : held ?? new Uint8Array(0), true)
}

/**
 * The plaintext of an add as 1 MiB chunks (the STREAM format's chunk size),
 * the last one flagged; an empty input is one empty last chunk. `spares`:
 * buffers of recyclable chunks already sealed, which nobody holds any more;
 * the stream's pieces are joined into them before new ones are made.
 *
 * Read with the stream's default reader, never a BYOB reader: in Chromium 156
 * a BYOB read of a Blob's stream now and then never settles (the first read,
 * or the one that should report the end; plain in-memory Blobs too: see
 * tests/bench/README.md, "The BYOB read's stall"). The BYOB read saved the
 * join's copy; filling the sealed chunks' buffers again keeps part of that.
 */
export function readPlaintext (stream: ReadableStream<Uint8Array>, spares: Uint8Array[] = []): PlaintextReader {
  let cancelled = false
  const reader = stream.getReader()
  return {
    pieces: rechunkedPieces(reader, () => cancelled, spares),
    cancel: async () => {
      cancelled = true
      // Also ends a read under way, so the pieces stop at once.
      await reader.cancel().catch(() => {})
    }
  }
}
