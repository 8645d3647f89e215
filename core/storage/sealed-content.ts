import { unixfs } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { BufferImporter } from 'ipfs-unixfs-importer'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { DEFAULT_CHUNK_LOG2, MAX_CHUNKS, NONCE_PREFIX_LENGTH } from '../crypto/stream-constants.ts'
import { buildHeader, deriveFileSubkeys, wipeFileSubkeys } from '../crypto/stream-header.ts'
import { FormatInvalidError } from '../errors.ts'
import type { ChunkSealer, SealedChunk, SealSession } from './chunk-sealer.ts'
import { IMPORT_OPTIONS, type RecordingBlockstore } from './encrypted-content.ts'
import { readPlaintext, type PlaintextPiece } from './plaintext-pieces.ts'

export interface StoreSealedInit {
  /** Per-file key FK. */
  fileKey: Uint8Array
  sealer: ChunkSealer
  /** Called with the number of ciphertext bytes handed to storage so far. */
  onStored?: (ciphertextBytes: number) => void
  signal?: AbortSignal
  /** The 7-byte nonce prefix; random by default. Fix it only for test vectors. */
  noncePrefix?: Uint8Array
}

export interface StoredSealed {
  cid: CID
  /** Plaintext bytes read. */
  size: number
  /** SHA-256 of each 1 MiB plaintext piece, in order: what the version-2 dedup tag is made of. */
  pieceDigests: Uint8Array[]
}

/**
 * Leaves whose CID digest the sealer already computed (SHA-256 of the
 * ciphertext, where it was encrypted): the importer would otherwise hash
 * every leaf again on this thread.
 */
function knownDigestImporter (known: WeakMap<Uint8Array, Uint8Array>): BufferImporter {
  return async function * (file, blockstore) {
    for await (const block of file.content) {
      yield async () => {
        const digest = known.get(block)
        const multihash = digest !== undefined ? Digest.create(sha256.code, digest) : await sha256.digest(block)
        const cid = CID.createV1(raw.code, multihash)
        await blockstore.put(cid, block)
        return { cid, size: BigInt(block.byteLength), block }
      }
    }
  }
}

/**
 * Sealed chunks waiting, in order, for the importer beyond those being
 * sealed: it takes its leaves in batches of `blockWriteConcurrency` and
 * writes each batch before taking the next, so the sealer goes on with new
 * chunks meanwhile rather than idle behind a full queue.
 */
const WAITING_FOR_IMPORTER = IMPORT_OPTIONS.blockWriteConcurrency

/** Spent plaintext buffers kept for reuse: the reader takes one per chunk, the sealer gives one back per chunk. */
const SPARES_KEPT = 4

/**
 * The ciphertext of a plaintext stream, in order: the header, then one
 * sealed chunk per 1 MiB of plaintext. A pump reads the plaintext and keeps
 * the sealer busy on its own, not only when the importer asks: at most
 * `width` chunks are with the sealer at once, and at most `width` +
 * WAITING_FOR_IMPORTER are out in all (sealing, or sealed and waiting), so
 * memory stays bounded whatever the file size.
 */
async function * sealedPieces (plaintext: ReadableStream<Uint8Array> | Blob, session: SealSession, header: Uint8Array, width: number, out: Omit<StoredSealed, 'cid'>, known: WeakMap<Uint8Array, Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  yield header
  const queue: Array<Promise<SealedChunk>> = []
  let sealing = 0
  let pumpDone = false
  let stopped = false
  let failure: { error: unknown } | undefined
  // Only one side ever waits: the pump when the sealer or the queue is full, the consumer when the queue is empty.
  let notify: (() => void) | undefined
  const wakeUp = (): void => { const n = notify; notify = undefined; n?.() }
  const wait = async (): Promise<void> => { await new Promise<void>((resolve) => { notify = resolve }) }
  let index = 0
  const launch = async (piece: PlaintextPiece): Promise<void> => {
    while ((sealing >= width || queue.length >= width + WAITING_FOR_IMPORTER) && !stopped) await wait()
    if (stopped) return
    if (index >= MAX_CHUNKS) throw new FormatInvalidError('file has too many chunks for its chunk size')
    sealing++
    // Counted down before the consumer sees the result: while it waits on an empty queue, nothing it took still counts as sealing, so the pump cannot be waiting too.
    const job = session.seal(index++, piece.bytes, piece.last).finally(() => { sealing--; wakeUp() })
    job.catch(() => {})
    queue.push(job)
    wakeUp()
  }
  // Buffers of sealed chunks the sealer gave back, for the reader to fill again.
  const spares: Uint8Array[] = []
  const source = readPlaintext(plaintext, spares)
  const pump = async (): Promise<void> => {
    try {
      for await (const piece of source.pieces) {
        signal?.throwIfAborted()
        if (stopped) break
        out.size += piece.bytes.byteLength
        await launch(piece)
      }
    } catch (error) {
      failure = { error }
    } finally {
      pumpDone = true
      wakeUp()
    }
  }
  const pumping = pump()
  try {
    for (;;) {
      if (failure !== undefined) throw failure.error
      const next = queue.shift()
      if (next === undefined) {
        if (pumpDone) break
        await wait()
        continue
      }
      wakeUp()
      const sealed = await next
      if (sealed.spare !== undefined && spares.length < SPARES_KEPT) spares.push(sealed.spare)
      known.set(sealed.ciphertext, sealed.leafDigest)
      out.pieceDigests.push(sealed.plainDigest)
      yield sealed.ciphertext
    }
  } finally {
    stopped = true
    wakeUp()
    await source.cancel()
    await pumping
  }
}

/**
 * Encrypts a plaintext stream into the STREAM format with the per-chunk work
 * (encrypt, hash the leaf, hash the plaintext piece) done by `sealer`, and
 * stores it as the same UnixFS file `storeEncrypted` makes (same leaves, same
 * CIDs for the same key and nonce prefix). Returns the root CID and the
 * plaintext piece digests; the blocks written are in `store.written`.
 */
export async function storeSealed (store: RecordingBlockstore, plaintext: ReadableStream<Uint8Array> | Blob, init: StoreSealedInit): Promise<StoredSealed> {
  const subkeys = deriveFileSubkeys(init.fileKey)
  const noncePrefix = init.noncePrefix ?? globalThis.crypto.getRandomValues(new Uint8Array(NONCE_PREFIX_LENGTH))
  const header = buildHeader(subkeys, noncePrefix, DEFAULT_CHUNK_LOG2)
  wipeFileSubkeys(subkeys)
  const session = init.sealer.open(init.fileKey, header.bytes)
  const out: Omit<StoredSealed, 'cid'> = { size: 0, pieceDigests: [] }
  const known = new WeakMap<Uint8Array, Uint8Array>()
  let stored = 0
  const counted = async function * (): AsyncIterable<Uint8Array> {
    for await (const piece of sealedPieces(plaintext, session, header.bytes, Math.max(1, init.sealer.width), out, known, init.signal)) {
      init.signal?.throwIfAborted()
      yield piece
      stored += piece.byteLength
      init.onStored?.(stored)
    }
  }
  try {
    // unixfs() needs only `put` of the blockstore to import.
    const fs = unixfs({ blockstore: store as unknown as Blockstore })
    const cid = await fs.addByteStream(counted(), {
      ...IMPORT_OPTIONS,
      bufferImporter: knownDigestImporter(known),
      ...(init.signal !== undefined ? { signal: init.signal } : {})
    })
    return { ...out, cid }
  } finally {
    session.close()
  }
}
