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

/**
 * The plaintext of an add as 1 MiB chunks (the STREAM format's chunk size),
 * the last one flagged; an empty input is one empty last chunk.
 *
 * Read with the stream's default reader, never a BYOB reader: a BYOB read
 * straight into chunk buffers saved a copy per chunk (add 209 → 249 MB/s,
 * quiet), but in Chromium 156 a BYOB read of a Blob's stream now and then
 * never settles (the first read or the one that should report the end; plain
 * in-memory Blobs too, reproduced without Cairn: tests/bench/README.md, "The
 * BYOB read's stall"), and nothing observable tells which Blob will stall.
 */
export function readPlaintext (stream: ReadableStream<Uint8Array>): PlaintextReader {
  let cancelled = false
  const reader = stream.getReader()
  return {
    pieces: rechunkedPieces(reader, () => cancelled),
    cancel: async () => {
      cancelled = true
      // Also ends a read under way, so the pieces stop at once.
      await reader.cancel().catch(() => {})
    }
  }
}
