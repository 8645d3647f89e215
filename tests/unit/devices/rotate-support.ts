import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { RecordingBlockstore, readDecrypted, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import { trashOf, versionsOf } from '../../../core/index/history.ts'
import type { FileEntry } from '../../../core/index/ops.ts'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

/** Shared set-up for the remove-and-rotate tests (not a test file itself). */

export interface Stores { blockstore: Blockstore, datastore: Datastore }

export function memoryStores (): Stores {
  return { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
}

export function random (n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}

/** Stores `bytes` encrypted under a fresh file key, as the vault does; returns the index entry. */
export async function addContent (blockstore: Blockstore, bytes: Uint8Array): Promise<FileEntry> {
  const fk = random(32)
  const plaintext = new ReadableStream<Uint8Array>({ start (c) { c.enqueue(bytes); c.close() } })
  const root = await storeEncrypted(new RecordingBlockstore(blockstore), plaintext, { fileKey: fk.slice() })
  return { cid: root.toString(), size: bytes.length, mtime: 1_700_000_000_000, tag: toBase64(random(32)), fk: toBase64(fk), type: 'text/plain' }
}

/** A file's plaintext, decrypted with `fileKey`. */
export async function readContent (blockstore: Blockstore, cid: string, fileKey: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await new Response(readDecrypted(blockstore, cid, fileKey.slice())).arrayBuffer())
}

export function openLog (stores: Stores, vaultKey: Uint8Array, deviceId: string, now?: () => number): IndexLog {
  return new IndexLog(stores, { indexKey: deriveSubkey(vaultKey, 'index'), deviceId, ...(now !== undefined ? { now } : {}) })
}

/** What a user sees of an index: live files, the Trash, each file's versions (without op timestamps, which a re-seal changes). */
export function userView (log: IndexLog): unknown {
  const files = log.listFiles().map(f => ({ fileId: f.fileId, path: f.path, conflict: f.conflict, entry: f.entry, wall: f.updated.wall }))
  const trash = trashOf(log.state).map(t => ({ fileId: t.fileId, path: t.path, entry: t.entry, deleted: t.deleted.wall }))
  const versions = [...log.state.files.keys()].sort().map(id => versionsOf(log.state, id).map(v => ({ fileId: v.fileId, entry: v.entry, saved: v.saved.wall, replacedAt: v.replacedAt })))
  return { files, trash, versions }
}
