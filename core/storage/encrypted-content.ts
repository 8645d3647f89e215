import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { createDecryptStream, createEncryptStream } from '../crypto/stream-format.ts'
import type { ChunkSealer } from './chunk-sealer.ts'
import { readLeaves } from './leaf-reader.ts'
import { readDecryptedRange, type ByteRange } from './range-read.ts'
import { InvalidArgumentError } from '../errors.ts'
import type { Blockstore } from 'interface-blockstore'
import { keyWipingStream } from './key-wiping-stream.ts'

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

/** Where a {@link RecordingBlockstore} records durably the blocks it adds (upload-journal.ts). */
export interface BlockJournal {
  /** Resolves once `cid` is recorded: only then is the block stored. */
  note: (cid: CID) => Promise<void>
  /**
   * The upload is over. 'drop': its blocks are named elsewhere now, or taken
   * back, so the record goes; 'keep': taking them back failed, so the record
   * stays for the next sweep to finish.
   */
  end: (record: 'drop' | 'keep') => Promise<void>
}

/**
 * A blockstore view that remembers which blocks one upload wrote, so a
 * cancelled upload can take them back. The importer writes several blocks in
 * parallel, so rollback first closes the view and waits for writes in flight:
 * no block lands after it. With a `journal`, every block it adds is also
 * recorded durably before it is stored, so one whose rollback never ran (the
 * tab closed) is still found and freed later.
 */
export class RecordingBlockstore {
  readonly written: CID[] = []
  private readonly inFlight = new Set<Promise<unknown>>()
  private closed = false

  constructor (private readonly inner: Blockstore, private readonly journal?: BlockJournal) {}

  async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    if (this.closed) throw new DOMException('the upload was cancelled', 'AbortError')
    const write = (async () => {
      // Only blocks this upload adds are recorded: one already stored (another file's) is never taken back.
      if (await this.inner.has(cid)) return await this.inner.put(cid, bytes)
      await this.journal?.note(cid)
      await this.inner.put(cid, bytes)
      this.written.push(cid)
    })()
    this.inFlight.add(write)
    try {
      await write
    } finally {
      this.inFlight.delete(write)
    }
    return cid
  }

  /** Deletes every block this upload added (blocks that already existed stay), then drops the journal's record. */
  async rollback (): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.inFlight])
    try {
      for (const cid of this.written.splice(0)) await this.inner.delete(cid)
    } catch (err) {
      await this.journal?.end('keep')
      throw err
    }
    await this.journal?.end('drop')
  }

  /** The upload's blocks are named now (its root is in the index): drops the journal's record, keeping them. */
  async commit (): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.inFlight])
    await this.journal?.end('drop')
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
 * Leaves read ahead of the decryptor: enough to keep the seal workers busy,
 * few enough that a paused reader leaves ~8 MiB buffered, whatever the file size.
 */
const READ_AHEAD_LEAVES = 8

export interface ReadDecryptedInit {
  /** The index entry's size: names a cut-off or over-long file exactly. */
  plaintextLength?: number
  signal?: AbortSignal
  /** Where chunks are decrypted (the seal workers, several at once); this thread when absent. */
  sealer?: ChunkSealer
  /** Only these plaintext bytes, read from the chunks that hold them (range-read.ts); needs `plaintextLength`. */
  range?: ByteRange
}

/**
 * Streams a stored file's plaintext, authenticated chunk by chunk as it is
 * read, holding a few leaves of ciphertext (READ_AHEAD_LEAVES). `plaintextLength` (the
 * index entry's size) lets the decryptor name a cut-off or over-long file
 * exactly rather than as tampering. With `range`, only those bytes, without
 * decrypting what comes before them. The stream owns `fileKey`: it is
 * overwritten when the stream ends, fails or is cancelled, so a caller that
 * needs the key again passes a copy.
 */
export function readDecrypted (blockstore: Blockstore, cid: CID | string, fileKey: Uint8Array, init: ReadDecryptedInit = {}): ReadableStream<Uint8Array> {
  const root = typeof cid === 'string' ? CID.parse(cid) : cid
  if (init.range !== undefined) {
    if (init.plaintextLength === undefined) { fileKey.fill(0); throw new InvalidArgumentError('a byte range needs the file\'s plaintext length') }
    const { plaintextLength, sealer, signal } = init
    return readDecryptedRange(blockstore, root, fileKey, init.range, { plaintextLength, ...(sealer !== undefined ? { sealer } : {}), ...(signal !== undefined ? { signal } : {}) })
  }
  const source = readLeaves(blockstore, root, READ_AHEAD_LEAVES, init.signal)
  const sealer = init.sealer
  const ciphertext = keyWipingStream(source, fileKey)
  return ciphertext.pipeThrough(createDecryptStream({
    key: fileKey,
    wipeKey: true,
    ...(init.plaintextLength !== undefined ? { plaintextLength: init.plaintextLength } : {}),
    ...(sealer !== undefined
      ? {
          concurrency: sealer.width,
          offload: (header: Uint8Array) => {
            const session = sealer.open(fileKey, header)
            return { decrypt: session.unseal, close: session.close }
          }
        }
      : {})
  }))
}

/** Reads every block of a stored file once (through whatever checks `blockstore` makes), discarding the bytes. */
export async function readEveryBlock (blockstore: Blockstore, cid: CID | string, signal?: AbortSignal): Promise<void> {
  const root = typeof cid === 'string' ? CID.parse(cid) : cid
  for await (const piece of unixfs({ blockstore }).cat(root, signal !== undefined ? { signal } : {})) void piece
}
