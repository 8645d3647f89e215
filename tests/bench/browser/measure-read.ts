import { unixfs } from '@helia/unixfs'
import { createBLAKE3 } from 'hash-wasm'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import type { ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import type { BlockRepair } from '../../../core/vault/block-repair.ts'
import { RepairingReadBlockstore } from '../../../core/vault/repairing-read.ts'
import { drain } from './bench-context.ts'

/**
 * The store as the vault's reads see it (core/vault/vault-files.ts `open`):
 * ciphertext (raw) leaves are not hashed on read, since the decryptor
 * authenticates them (a failure re-reads the file with hashes checked);
 * the file's tree node is. No repair source here.
 */
export function vaultReadView (blockstore: Blockstore): Blockstore {
  const noRepair = { repair: async () => ({ repaired: false, reason: 'none in the bench' }) } as unknown as BlockRepair
  return new RepairingReadBlockstore(blockstore, noRepair, () => {}, { trustRawLeaves: true })
}

/**
 * `read.decrypted`: `readDecrypted` of a stored file (its leaves from the
 * store, a few ahead, then the STREAM decryptor, on the seal workers when
 * `sealer` is given, as the vault reads), every byte consumed. Returns ms; throws
 * when the byte count is wrong.
 */
export async function measureReadDecrypted (blockstore: Blockstore, cid: CID, fileKey: Uint8Array, size: number, sealer?: ChunkSealer): Promise<number> {
  const start = performance.now()
  const bytes = await drain(readDecrypted(blockstore, cid, fileKey.slice(), sealer !== undefined ? { sealer } : {}))
  const ms = performance.now() - start
  if (bytes !== size) throw new Error(`readDecrypted gave ${bytes} bytes, expected ${size}`)
  return ms
}

/** `stage.cat.encrypted`: the UnixFS read of the ciphertext alone, without decrypting. */
export async function measureCat (blockstore: Blockstore, cid: CID): Promise<{ ms: number, bytes: number }> {
  const fs = unixfs({ blockstore })
  const start = performance.now()
  let bytes = 0
  for await (const chunk of fs.cat(cid)) bytes += chunk.byteLength
  return { ms: performance.now() - start, bytes }
}

/** Plain BLAKE3 (hex) of a stream: the honesty check compares input and decrypted output. */
export async function blake3Hex (stream: ReadableStream<Uint8Array>): Promise<string> {
  const hasher = await createBLAKE3()
  for await (const chunk of stream) hasher.update(chunk)
  return hasher.digest('hex')
}

/** Reads the stored file back once more (untimed) and checks it is the input, byte for byte. */
export async function verifyReadDecrypted (blockstore: Blockstore, cid: CID, fileKey: Uint8Array, expectedBlake3: string, sealer?: ChunkSealer): Promise<void> {
  const got = await blake3Hex(readDecrypted(blockstore, cid, fileKey.slice(), sealer !== undefined ? { sealer } : {}))
  if (got !== expectedBlake3) throw new Error(`decrypted output differs from the input: BLAKE3 ${got} ≠ ${expectedBlake3}`)
}
