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
 * A BYOB read of a Blob pending this long counts as stalled (Chromium 156's,
 * see readPlaintext). A read that is only slow costs nothing but the switch
 * to the default reader; a read here normally settles within milliseconds.
 */
export const STALLED_READ_MS = 1000

/** What a generator needs from readPlaintext: whether to stop, and which reader a cancel must end. */
interface ReadControl {
  isCancelled: () => boolean
  use: (reader: ReadableStreamGenericReader) => void
}

/** Whole chunks from any stream: pieces that straddle stream chunks are copied together. */
async function * rechunkedPieces (reader: ReadableStreamDefaultReader<Uint8Array>, control: ReadControl): AsyncGenerator<PlaintextPiece> {
  control.use(reader)
  const rechunker = new Rechunker(DEFAULT_CHUNK_SIZE)
  // The last whole piece: final only if the input ends right after it.
  let held: Uint8Array | undefined
  for (;;) {
    const next = await reader.read()
    if (control.isCancelled()) return
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

const STALLED = Symbol('stalled')

/** The read's result, or STALLED if it has not settled within STALLED_READ_MS. */
async function unlessStalled<T> (read: Promise<T>): Promise<T | typeof STALLED> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const stalled = new Promise<typeof STALLED>((resolve) => { timer = setTimeout(() => { resolve(STALLED) }, STALLED_READ_MS) })
  try {
    return await Promise.race([read, stalled])
  } finally {
    clearTimeout(timer)
  }
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
 * Whole chunks of a Blob, read with a BYOB reader straight into chunk buffers
 * (a spent chunk's when the sealer gave one back, else a fresh one): no
 * buffer per stream piece, no copy to join them, no fresh mapping per MiB.
 * Chromium 156's BYOB read of a Blob stream now and then never settles, so a
 * read that has not settled in STALLED_READ_MS is given up, and the rest of
 * the Blob, from the start of the chunk under way, is read with the default
 * reader (which has not been seen to stall). The Blob's size is known, so the
 * read that would only report the end (one that stalls too) is never made.
 */
async function * blobPieces (blob: Blob, control: ReadControl, spares: Uint8Array[]): AsyncGenerator<PlaintextPiece> {
  const byob = byobReader(blob.stream())
  if (byob === undefined) {
    yield * rechunkedPieces(blob.stream().getReader(), control)
    return
  }
  control.use(byob)
  const size = blob.size
  const nextBuffer = (): Uint8Array<ArrayBuffer> => {
    const spare = spares.pop()
    return spare !== undefined && spare.buffer instanceof ArrayBuffer && spare.byteOffset === 0 && spare.byteLength === DEFAULT_CHUNK_SIZE && spare.buffer.byteLength === DEFAULT_CHUNK_SIZE
      ? spare as Uint8Array<ArrayBuffer>
      : new Uint8Array(DEFAULT_CHUNK_SIZE)
  }
  // `offset`: bytes handed out as pieces; `filled`: bytes of the chunk under way.
  let offset = 0
  let buffer = nextBuffer()
  let filled = 0
  while (offset + filled < size) {
    const want = Math.min(DEFAULT_CHUNK_SIZE, size - offset)
    const next = await unlessStalled(byob.read(buffer.subarray(filled, want)))
    if (control.isCancelled()) return
    if (next === STALLED) {
      // The pending read holds the chunk's buffer; start that chunk again from the Blob.
      void byob.cancel().catch(() => {})
      yield * rechunkedPieces(blob.slice(offset).stream().getReader(), control)
      return
    }
    // The read took the buffer over and hands it back in `value` (absent only if cancelled).
    if (next.value !== undefined) buffer = new Uint8Array(next.value.buffer as ArrayBuffer)
    filled += next.value?.byteLength ?? 0
    // Ended early (the file shrank): what was read is the end.
    if (next.done === true) break
    if (filled === want && offset + filled < size) {
      yield { bytes: buffer, last: false }
      offset += filled
      buffer = nextBuffer()
      filled = 0
    }
  }
  yield { bytes: filled === buffer.byteLength ? buffer : buffer.subarray(0, filled), last: true }
}

/**
 * The plaintext of an add as 1 MiB chunks (the STREAM format's chunk size),
 * the last one flagged; an empty input is one empty last chunk. A Blob is
 * read into chunk buffers (blobPieces), reusing `spares` (buffers of chunks
 * already sealed, which nobody holds any more); any other stream with its
 * default reader, its pieces joined.
 *
 * A stream is never read with a BYOB reader: in Chromium 156 a BYOB read of
 * a Blob's stream now and then never settles (plain in-memory Blobs too,
 * reproduced without Cairn: tests/bench/README.md, "The BYOB read's stall"),
 * and only for a Blob is there a way to go on (read the rest again).
 */
export function readPlaintext (source: ReadableStream<Uint8Array> | Blob, spares: Uint8Array[] = []): PlaintextReader {
  let cancelled = false
  let reader: ReadableStreamGenericReader | undefined
  const control: ReadControl = { isCancelled: () => cancelled, use: (r) => { reader = r } }
  if (!(source instanceof Blob)) reader = source.getReader()
  return {
    pieces: source instanceof Blob ? blobPieces(source, control, spares) : rechunkedPieces(reader as ReadableStreamDefaultReader<Uint8Array>, control),
    cancel: async () => {
      cancelled = true
      // Also ends a read under way, so the pieces stop at once.
      await reader?.cancel().catch(() => {})
    }
  }
}
