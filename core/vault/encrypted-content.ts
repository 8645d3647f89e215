import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { createDecryptStream, createEncryptStream } from '../crypto/stream-format.ts'
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
const IMPORT_OPTIONS = {
  cidVersion: 1 as const,
  rawLeaves: true,
  reduceSingleLeafToSelf: false,
  chunker: passThroughChunker,
  blockWriteConcurrency: 8
}

/** A blockstore view that remembers which blocks one upload wrote, so a cancelled upload can take them back. */
export class RecordingBlockstore {
  readonly written: CID[] = []

  constructor (private readonly inner: Blockstore) {}

  async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    const existed = await this.inner.has(cid)
    await this.inner.put(cid, bytes)
    if (!existed) this.written.push(cid)
    return cid
  }

  /** Deletes every block this upload added (blocks that already existed stay). */
  async rollback (): Promise<void> {
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
 * Streams a stored file's plaintext, authenticated chunk by chunk as it is
 * read. `plaintextLength` (the index entry's size) lets the decryptor name a
 * cut-off or over-long file exactly rather than as tampering.
 */
export function readDecrypted (blockstore: Blockstore, cid: CID | string, fileKey: Uint8Array, init: { plaintextLength?: number, signal?: AbortSignal } = {}): ReadableStream<Uint8Array> {
  const { signal } = init
  const fs = unixfs({ blockstore })
  const root = typeof cid === 'string' ? CID.parse(cid) : cid
  const source = fs.cat(root, signal !== undefined ? { signal } : {})[Symbol.asyncIterator]()
  const ciphertext = new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await source.next()
      if (next.done === true) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel () {
      await source.return?.()
    }
  })
  return ciphertext.pipeThrough(createDecryptStream({ key: fileKey, ...(init.plaintextLength !== undefined ? { plaintextLength: init.plaintextLength } : {}) }))
}
