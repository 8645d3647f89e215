import { unixfs } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { dedupTagV2FromDigests } from '../../../core/crypto/dedup-tag-v2.ts'
import type { ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import { storeSealed } from '../../../core/storage/sealed-content.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import type { BenchStore } from './bench-stores.ts'

/** An encrypted add's timings, and what reading it back needs. */
export interface EncryptedAdd {
  /** Until both the tag and the stored (flushed) ciphertext were done. */
  ms: number
  /** Until the dedup tag arrived from the hash worker. */
  tagMs: number
  /** Until storeEncrypted returned and the store was flushed. */
  storeMs: number
  cid: CID
  fileKey: Uint8Array
}

/** The same bytes as an ordinary stream of the browser's pieces (not a byte stream). */
function asPieces (stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>())
}

/**
 * `add.encrypted`: what `VaultFiles.add` does for a large file (core/vault/vault-files.ts):
 * `storeSealed` reads the File once (with a BYOB reader straight into 1 MiB
 * buffers the seal workers hand back; `from: 'pieces'` gives it the
 * stream's own pieces instead, joined and copied, as the add read them
 * until issue 12's fifth round) and hands each chunk to the
 * seal workers (encrypt, hash the leaf, hash the plaintext piece), then UnixFS
 * and a RecordingBlockstore over the store; the version-2 dedup tag is made
 * from the piece digests. Timed until the store is flushed and the tag made.
 */
export async function measureEncryptedAdd (file: Blob, store: BenchStore, sealer: ChunkSealer, dedupKey: Uint8Array, from: 'bytes' | 'pieces' = 'bytes'): Promise<EncryptedAdd> {
  const fileKey = generateFileKey()
  const upload = new AbortController()
  let progress = 0
  const start = performance.now()
  const sealed = await storeSealed(new RecordingBlockstore(store.blockstore), from === 'bytes' ? file : asPieces(file.stream()), {
    fileKey,
    sealer,
    signal: upload.signal,
    onStored: (bytes) => { progress = Math.min(file.size, bytes) }
  })
  await store.flush()
  const storeMs = performance.now() - start
  dedupTagV2FromDigests(dedupKey, sealed.size, sealed.pieceDigests)
  const ms = performance.now() - start
  if (progress !== file.size) throw new Error(`progress ended at ${progress} of ${file.size} bytes`)
  return { ms, tagMs: ms, storeMs, cid: sealed.cid, fileKey }
}

/**
 * `stage.add.encrypted.v1_path`: the add as it was before version-2 tags, for
 * a comparison within one run: the keyed BLAKE3 tag starts in the hash worker, and meanwhile `storeEncrypted`
 * streams `file.stream()` through the STREAM encryptor into UnixFS and a
 * RecordingBlockstore over the store. Timed until both are done and the store
 * is flushed. Index bookkeeping (a few hundred bytes) is left out.
 */
export async function measureEncryptedAddV1 (file: Blob, store: BenchStore, hashTag: TagHasher, dedupKey: Uint8Array): Promise<EncryptedAdd> {
  const fileKey = generateFileKey()
  // The app passes a signal (lock or duplicate aborts the upload) and a progress callback.
  const upload = new AbortController()
  let progress = 0
  const start = performance.now()
  let tagMs = 0
  let storeMs = 0
  const tag = hashTag(dedupKey, file).then((t) => { tagMs = performance.now() - start; return t })
  const stored = storeEncrypted(new RecordingBlockstore(store.blockstore), file.stream(), {
    fileKey,
    signal: upload.signal,
    onStored: (bytes) => { progress = Math.min(file.size, bytes) }
  }).then(async (cid) => {
    await store.flush()
    storeMs = performance.now() - start
    return cid
  })
  const [, cid] = await Promise.all([tag, stored])
  const ms = performance.now() - start
  if (progress !== file.size) throw new Error(`progress ended at ${progress} of ${file.size} bytes`)
  return { ms, tagMs, storeMs, cid, fileKey }
}

/** Only the encryption and storage half of the encrypted add (no tag): `stage.add.encrypted.*`. */
export async function measureStoreEncrypted (file: Blob, store: BenchStore): Promise<number> {
  const fileKey = generateFileKey()
  const start = performance.now()
  await storeEncrypted(new RecordingBlockstore(store.blockstore), file.stream(), { fileKey })
  await store.flush()
  return performance.now() - start
}

/**
 * `add.plain`: plain Helia, no encryption: `@helia/unixfs` addByteStream of
 * `file.stream()` with raw leaves, CIDv1 and the default chunker (256 KiB),
 * timed until the store is flushed.
 */
export async function measurePlainAdd (file: Blob, store: BenchStore): Promise<number> {
  const fs = unixfs({ blockstore: store.blockstore })
  const start = performance.now()
  await fs.addByteStream(file.stream(), { rawLeaves: true, cidVersion: 1 })
  await store.flush()
  return performance.now() - start
}
