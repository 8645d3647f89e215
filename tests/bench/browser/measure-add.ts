import { unixfs } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
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

/**
 * `add.encrypted`: what `VaultFiles.add` does for a large file (core/vault/vault-files.ts):
 * the dedup tag starts in the hash worker, and meanwhile `storeEncrypted`
 * streams `file.stream()` through the STREAM encryptor into UnixFS and a
 * RecordingBlockstore over the store. Timed until both are done and the store
 * is flushed. Index bookkeeping (a few hundred bytes) is left out.
 */
export async function measureEncryptedAdd (file: Blob, store: BenchStore, hashTag: TagHasher, dedupKey: Uint8Array): Promise<EncryptedAdd> {
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
