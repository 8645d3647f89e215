// Helpers shared by the vault tests (vault-service, encrypted-content, share-copies, vault-shares): a real
// VaultService on in-memory stores, random contents, and block-level inspection.
import assert from 'node:assert/strict'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import type { Blockstore } from 'interface-blockstore'
import { createDedupHasher } from '../../../core/crypto/dedup-tag.ts'
import { isCairnError, type ErrorCode } from '../../../core/errors.ts'
import { LogBuffer } from '../../../core/node/log-buffer.ts'
import { VaultService } from '../../../core/vault/vault-service.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'

export const PASSPHRASE = 'a long and quiet passphrase'

/** Work a test's afterEach undoes, newest first. */
export type Cleanups = Array<() => Promise<void> | void>

/** The same keyed BLAKE3 the browser's hash worker computes, on this thread. */
export const hashTag: TagHasher = async (key, file) => {
  const hasher = await createDedupHasher(key)
  for await (const piece of file.stream()) hasher.update(piece)
  return hasher.digest()
}

/** A started VaultService, created with PASSPHRASE, on fresh in-memory stores; stopped by `cleanups`. */
/** A created, open vault on memory stores; `now` fixes its clock (entries' times, e.g. in a zip). */
export async function startVault (cleanups: Cleanups, tagHasher: TagHasher = hashTag, now?: () => number): Promise<{ vault: VaultService, blockstore: MemoryBlockstore }> {
  const blockstore = new MemoryBlockstore()
  const vault = new VaultService(
    { blockstore, datastore: new MemoryDatastore(), hashTag: tagHasher, log: new LogBuffer().for('vault'), deviceId: '12D3KooWTestDevice', ...(now !== undefined ? { now } : {}) },
    { onStatus: () => {}, onFilesChanged: () => {} }
  )
  await vault.start()
  cleanups.push(async () => { await vault.stop() })
  await vault.create(PASSPHRASE)
  return { vault, blockstore }
}

export function randomBytes (size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size)
  // getRandomValues fills at most 64 KiB a call.
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
  return bytes
}

export async function readAll (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** Blocks compared by multihash: MemoryBlockstore keys by it and lists raw-codec CIDs. */
export const hashOf = (cid: CID | string): string => (typeof cid === 'string' ? CID.parse(cid) : cid).multihash.bytes.join(',')

export async function allBlocks (store: Blockstore): Promise<Set<string>> {
  const hashes = new Set<string>()
  for await (const { cid } of store.getAll()) hashes.add(hashOf(cid))
  return hashes
}

/** Every block of a stored file's DAG (dag-pb nodes and their raw leaves). */
export async function dagBlocks (store: Blockstore, root: CID | string): Promise<CID[]> {
  const seen: CID[] = []
  const walk = async (cid: CID): Promise<void> => {
    seen.push(cid)
    if (cid.code !== dagPb.code) return
    const node = dagPb.decode(await collect(store.get(cid)))
    for (const link of node.Links) await walk(link.Hash)
  }
  await walk(typeof root === 'string' ? CID.parse(root) : root)
  return seen
}

/** A block's bytes, whether the store hands them back whole or in chunks. */
export async function collect (chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  if (chunks instanceof Uint8Array) return chunks
  const parts: Uint8Array[] = []
  for await (const part of chunks) parts.push(part)
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer())
}

export async function rejectsWith (promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => isCairnError(err, code), `should fail with ${code}`)
}
