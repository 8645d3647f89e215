import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { createDecryptStream, createEncryptStream, DEFAULT_CHUNK_SIZE, HEADER_LENGTH, TAG_LENGTH } from '../crypto/stream-format.ts'
import type { Blockstore } from 'interface-blockstore'

/**
 * The STREAM encryptor already emits the header and then exactly one output
 * piece per ciphertext chunk; passing them through unchanged makes every UnixFS
 * leaf one ciphertext chunk (DESIGN §4: a byte range maps to whole chunks).
 */
async function * passThroughChunker (source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  yield * source
}

/** Importer settings that make the ciphertext an ordinary CIDv1 raw-leaf UnixFS file. */
export const IMPORT_OPTIONS = {
  cidVersion: 1 as const,
  rawLeaves: true,
  reduceSingleLeafToSelf: false,
  chunker: passThroughChunker,
  blockWriteConcurrency: 8
}

/**
 * A blockstore view that remembers which blocks one upload wrote, so a
 * cancelled upload can take them back. The importer writes several blocks in
 * parallel, so rollback first closes the view and waits for writes in flight:
 * no block lands after it.
 */
export class RecordingBlockstore {
  readonly written: CID[] = []
  private readonly inFlight = new Set<Promise<unknown>>()
  private closed = false

  constructor (private readonly inner: Blockstore) {}

  async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    if (this.closed) throw new DOMException('the upload was cancelled', 'AbortError')
    const write = (async () => {
      const existed = await this.inner.has(cid)
      await this.inner.put(cid, bytes)
      if (!existed) this.written.push(cid)
    })()
    this.inFlight.add(write)
    try {
      await write
    } finally {
      this.inFlight.delete(write)
    }
    return cid
  }

  /** Deletes every block this upload added (blocks that already existed stay). */
  async rollback (): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.inFlight])
    for (const cid of this.written.splice(0)) await this.inner.delete(cid)
  }
}

export interface StoreEncryptedInit {
  /** Per-file key FK. */
  fileKey: Uint8Array
  /** Called with the number of ciphertext bytes handed to storage so far. */
  onStored?: (ciphertextBytes: number) => void
  signal?: AbortSignal
}

/**
 * Encrypts a plaintext stream with the STREAM format and stores the ciphertext
 * as a UnixFS file. Returns the root CID; the blocks written are in `store.written`.
 */
export async function storeEncrypted (store: RecordingBlockstore, plaintext: ReadableStream<Uint8Array>, init: StoreEncryptedInit): Promise<CID> {
  const ciphertext = plaintext.pipeThrough(createEncryptStream({ key: init.fileKey }), init.signal !== undefined ? { signal: init.signal } : {})
  let stored = 0
  const counted = async function * (): AsyncIterable<Uint8Array> {
    for await (const piece of ciphertext) {
      init.signal?.throwIfAborted()
      yield piece
      stored += piece.byteLength
      init.onStored?.(stored)
    }
  }
  // unixfs() needs only `put` of the blockstore to import.
  const fs = unixfs({ blockstore: store as unknown as Blockstore })
  return await fs.addByteStream(counted(), { ...IMPORT_OPTIONS, ...(init.signal !== undefined ? { signal: init.signal } : {}) })
}

/**
 * Ciphertext chunks read per window. `cat` reads every block of its range
 * ahead of the consumer, so reading a whole file at once would hold all of it
 * in memory (measured: 266 MiB buffered for a 256 MiB file); windows bound
 * that to 16 MiB whatever the file size.
 */
const CHUNKS_PER_WINDOW = 16

interface OpenWindow {
  iterator: AsyncIterator<Uint8Array>
  first: Promise<IteratorResult<Uint8Array>>
}

async function * windowedCiphertext (blockstore: Blockstore, cid: CID, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const fs = unixfs({ blockstore })
  const options = signal !== undefined ? { signal } : {}
  const size = Number((await fs.stat(cid, options)).size)
  const ranges: Array<{ offset: number, length: number }> = []
  // Windows start at one chunk and double up to CHUNKS_PER_WINDOW: the first
  // byte waits for one chunk's blocks, not for a whole window's (over a
  // network every block of a window is fetched at once, the first among them).
  for (let offset = 0, chunks = 1; offset < size; chunks = Math.min(CHUNKS_PER_WINDOW, chunks * 2)) {
    const window = chunks * (DEFAULT_CHUNK_SIZE + TAG_LENGTH)
    // The header rides with the first window so windows stay chunk-aligned.
    const length = Math.min(size - offset, offset === 0 ? HEADER_LENGTH + window : window)
    ranges.push({ offset, length })
    offset += length
  }
  // Asking for the first piece of a window starts its block reads, so the
  // next window is opened while this one drains: at most two windows in memory.
  // It opens once this one's first chunk is in (past the header, in the first
  // window), so the two do not share the link while the reader waits for it.
  const open = (i: number): OpenWindow | undefined => {
    const range = ranges[i]
    if (range === undefined) return undefined
    const iterator = fs.cat(cid, { ...options, ...range })[Symbol.asyncIterator]()
    return { iterator, first: iterator.next() }
  }
  let current = open(0)
  for (let i = 0; current !== undefined; i++) {
    let following: OpenWindow | undefined
    let read = 0
    try {
      for (let next = await current.first; next.done !== true; next = await current.iterator.next()) {
        read += next.value.byteLength
        if (following === undefined && read > (i === 0 ? HEADER_LENGTH : 0)) following = open(i + 1)
        yield next.value
      }
    } catch (err) {
      await following?.iterator.return?.()
      throw err
    }
    current = following ?? open(i + 1)
  }
}

/**
 * Streams a stored file's plaintext, authenticated chunk by chunk as it is
 * read, holding at most one window of ciphertext. `plaintextLength` (the
 * index entry's size) lets the decryptor name a cut-off or over-long file
 * exactly rather than as tampering. The stream owns `fileKey`: it is
 * overwritten when the stream ends, fails or is cancelled, so a caller that
 * needs the key again passes a copy.
 */
export function readDecrypted (blockstore: Blockstore, cid: CID | string, fileKey: Uint8Array, init: { plaintextLength?: number, signal?: AbortSignal } = {}): ReadableStream<Uint8Array> {
  const root = typeof cid === 'string' ? CID.parse(cid) : cid
  const source = windowedCiphertext(blockstore, root, init.signal)
  const ciphertext = new ReadableStream<Uint8Array>({
    async pull (controller) {
      let next
      try {
        next = await source.next()
      } catch (err) {
        fileKey.fill(0)
        throw err
      }
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel () {
      fileKey.fill(0)
      await source.return(undefined)
    }
  })
  return ciphertext.pipeThrough(createDecryptStream({ key: fileKey, wipeKey: true, ...(init.plaintextLength !== undefined ? { plaintextLength: init.plaintextLength } : {}) }))
}

/** Reads every block of a stored file once (through whatever checks `blockstore` makes), discarding the bytes. */
export async function readEveryBlock (blockstore: Blockstore, cid: CID | string, signal?: AbortSignal): Promise<void> {
  const root = typeof cid === 'string' ? CID.parse(cid) : cid
  for await (const piece of unixfs({ blockstore }).cat(root, signal !== undefined ? { signal } : {})) void piece
}
