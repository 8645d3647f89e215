import { DEFAULT_CHUNK_SIZE } from '../crypto/stream-constants.ts'
import { Rechunker } from '../crypto/stream-rechunker.ts'
import { CairnError } from '../errors.ts'

/** One plaintext chunk of a file being added, and whether it is the file's last. */
export interface PlaintextPiece {
  bytes: Uint8Array
  last: boolean
}

/** What an add reads: a stream, or a Blob (a File) read slice by slice. */
export type PlaintextSource = ReadableStream<Uint8Array> | Blob

/** Reads running ahead of the one being handed out: the next slice is on its way while this one is sealed. */
const BLOB_READS_AHEAD = 1

/**
 * A Blob's bytes in 1 MiB chunks, each read with `slice().arrayBuffer()`:
 * one copy out of the Blob, into a buffer the chunk has to itself (so it goes
 * to a seal worker without another copy), and one read per MiB rather than one
 * per stream piece. A file changed on disk meanwhile fails the read (the
 * browser's NotReadableError), as a stream read would.
 */
async function * blobPieces (blob: Blob, signal?: AbortSignal): AsyncGenerator<PlaintextPiece> {
  const size = blob.size
  if (size === 0) {
    yield { bytes: new Uint8Array(0), last: true }
    return
  }
  const read = async (offset: number): Promise<Uint8Array> => new Uint8Array(await blob.slice(offset, Math.min(size, offset + DEFAULT_CHUNK_SIZE)).arrayBuffer())
  const ahead: Array<Promise<Uint8Array>> = []
  let next = 0
  const fill = (): void => {
    while (ahead.length <= BLOB_READS_AHEAD && next < size) {
      const reading = read(next)
      // Marked handled now; a failure surfaces when this piece's turn comes.
      reading.catch(() => {})
      ahead.push(reading)
      next += DEFAULT_CHUNK_SIZE
    }
  }
  let offset = 0
  while (offset < size) {
    signal?.throwIfAborted()
    fill()
    const bytes = await (ahead.shift() as Promise<Uint8Array>)
    if (bytes.byteLength !== Math.min(DEFAULT_CHUNK_SIZE, size - offset)) throw new CairnError('STREAM_TRUNCATED', `The file ended after ${offset + bytes.byteLength} of its ${size} bytes; nothing was stored`)
    offset += bytes.byteLength
    yield { bytes, last: offset >= size }
  }
}

/** A stream's bytes cut into 1 MiB chunks; the last chunk is known only when the stream ends. */
function streamPieces (stream: ReadableStream<Uint8Array>, signal?: AbortSignal): PlaintextReader {
  const reader = stream.getReader()
  let cancelled = false
  const piece = (bytes: Uint8Array, last: boolean): PlaintextPiece => ({ bytes, last })
  async function * pieces (): AsyncGenerator<PlaintextPiece> {
    const rechunker = new Rechunker(DEFAULT_CHUNK_SIZE)
    // The last whole piece: final only if the input ends right after it.
    let held: Uint8Array | undefined
    for (;;) {
      signal?.throwIfAborted()
      const next = await reader.read()
      if (cancelled) return
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
  return {
    pieces: pieces(),
    cancel: async () => {
      cancelled = true
      // Also ends a read under way, so the pieces' reader stops at once.
      await reader.cancel().catch(() => {})
      reader.releaseLock()
    }
  }
}

/** The chunks of an add's plaintext, and how to stop reading them (also a read under way). */
export interface PlaintextReader {
  pieces: AsyncGenerator<PlaintextPiece>
  /** Lets the source go; call it once, however the reading ended. */
  cancel: () => Promise<void>
}

/**
 * The plaintext of an add as 1 MiB chunks (the STREAM format's chunk size),
 * the last one flagged; an empty input is one empty last chunk.
 */
export function readPlaintext (source: PlaintextSource, signal?: AbortSignal): PlaintextReader {
  if (!(source instanceof Blob)) return streamPieces(source, signal)
  const pieces = blobPieces(source, signal)
  return { pieces, cancel: async () => { await pieces.return(undefined).catch(() => {}) } }
}
