import { generateFileKey } from '../crypto/stream-format.ts'
import { CairnError, FileNotFoundError, InvalidArgumentError } from '../errors.ts'
import { encodeFolderListing, FOLDER_SHARE_TYPE, MAX_FOLDER_FILES, type FolderEntry } from '../share/folder-listing.ts'
import { makeShare } from '../share/make-share.ts'
import { RecordingBlockstore, storeEncrypted } from '../storage/encrypted-content.ts'
import type { VaultFiles } from './vault-files.ts'
import type { ShareRecord } from '../share/share-store.ts'
import type { FileInfo } from './vault-views.ts'
import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'

/** What a share link points at, made and stored on this device. */
export interface ShareCopy {
  /** The root the link carries. */
  cid: CID
  /** Its key (the caller puts it in the link, then wipes it). */
  shareKey: Uint8Array
  name: string
  /** Plaintext size of what the link points at (a folder: its listing). */
  size: number
  type: string
  /** Bytes of the files shared (a folder: all of them). */
  contentBytes: number
  /** Every root to pin (a folder: its listing and each file). */
  roots: string[]
  /** Every block written, to delete when the share stops. */
  blocks: string[]
  /** A folder's number of files. */
  fileCount?: number
}

/** Every root and block of the share copies these records name: what freeing local blocks must leave. */
export function shareCopyContent (records: readonly ShareRecord[]): { roots: string[], blocks: string[] } {
  return { roots: records.flatMap(r => r.roots ?? [r.cid]), blocks: records.flatMap(r => r.blocks ?? []) }
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/** A copy of one vault file (with `versionId`: that conflict copy, which shares the file's id) under a fresh key (core/share/make-share.ts). */
export async function copyFile (files: VaultFiles, blockstore: Blockstore, fileId: string, signal?: AbortSignal, versionId?: string): Promise<ShareCopy> {
  const { info, fileKey, readBlockstore } = files.sourceOf(fileId, versionId)
  try {
    const made = await makeShare({ blockstore, readBlockstore }, { sourceCid: info.cid, sourceKey: fileKey, size: info.size, ...(signal !== undefined ? { signal } : {}) })
    const cid = made.cid.toString()
    return { cid: made.cid, shareKey: made.shareKey, name: baseName(info.path), size: info.size, type: info.type, contentBytes: info.size, roots: [cid], blocks: made.blocks.map(String) }
  } finally {
    fileKey.fill(0)
  }
}

/**
 * A snapshot of a folder (core/share/folder-listing.ts): a copy of every
 * file under it, each under its own fresh key, and an encrypted listing of
 * them that the link points at. Files added to the folder later are not in
 * it. If anything fails, every block written so far is deleted again.
 */
export async function copyFolder (files: VaultFiles, blockstore: Blockstore, folder: string, signal?: AbortSignal): Promise<ShareCopy> {
  const prefix = folder.replace(/\/+$/, '') + '/'
  const inside = files.list().filter(f => f.path.startsWith(prefix))
  if (inside.length === 0) throw new FileNotFoundError('That folder has no files to share')
  return await copyListed(files, blockstore, inside, prefix, baseName(prefix.slice(0, -1)), signal)
}

/**
 * A folder-style share of chosen files (the Files page's bulk Share): the
 * same listing as a folder's, holding exactly these files, their paths
 * relative to `base` (the folder they were picked in; '' for the top).
 */
export async function copyFiles (files: VaultFiles, blockstore: Blockstore, target: { fileIds: readonly string[], base: string, name: string }, signal?: AbortSignal): Promise<ShareCopy> {
  const base = target.base.replace(/\/+$/, '')
  const prefix = base === '' ? '' : base + '/'
  const name = target.name.trim()
  if (name === '' || name.includes('/')) throw new InvalidArgumentError('A shared selection needs a name')
  if (target.fileIds.length === 0) throw new FileNotFoundError('There are no files to share')
  if (new Set(target.fileIds).size !== target.fileIds.length) throw new InvalidArgumentError('A file is named twice in the selection')
  // Conflict copies share their file's id: a chosen id is the file as it stands.
  const byId = new Map(files.list().filter(f => f.versionId === undefined).map(f => [f.fileId, f]))
  const chosen = target.fileIds.map(id => {
    const file = byId.get(id)
    if (file === undefined) throw new FileNotFoundError('A selected file no longer exists')
    if (!file.path.startsWith(prefix)) throw new InvalidArgumentError('A selected file is not inside the folder it was picked in')
    return file
  })
  return await copyListed(files, blockstore, chosen, prefix, name, signal)
}

/** Copies `chosen` (each path starting with `prefix`) and writes their listing under a fresh key. */
async function copyListed (files: VaultFiles, blockstore: Blockstore, chosen: FileInfo[], prefix: string, name: string, signal?: AbortSignal): Promise<ShareCopy> {
  const inside = [...chosen].sort((a, b) => a.path.localeCompare(b.path))
  if (inside.length > MAX_FOLDER_FILES) throw new CairnError('SHARE_FOLDER_TOO_LARGE', `a shared folder holds at most ${MAX_FOLDER_FILES} files`)
  const entries: FolderEntry[] = []
  const roots: string[] = []
  const blocks: string[] = []
  const listingStore = new RecordingBlockstore(blockstore)
  try {
    for (const file of inside) {
      // A conflict copy's own content under its own name, not the file's current one.
      const copy = await copyFile(files, blockstore, file.fileId, signal, file.versionId)
      entries.push({ path: file.path.slice(prefix.length), size: copy.size, type: copy.type, cid: copy.cid, key: copy.shareKey })
      roots.push(...copy.roots)
      blocks.push(...copy.blocks)
    }
    const listing = encodeFolderListing(entries)
    const shareKey = generateFileKey()
    const cid = await storeEncrypted(listingStore, new Blob([listing as Uint8Array<ArrayBuffer>]).stream(), { fileKey: shareKey, ...(signal !== undefined ? { signal } : {}) })
    return {
      cid,
      shareKey,
      name,
      size: listing.length,
      type: FOLDER_SHARE_TYPE,
      contentBytes: entries.reduce((sum, e) => sum + e.size, 0),
      roots: [cid.toString(), ...roots],
      blocks: [...listingStore.written.map(String), ...blocks],
      fileCount: entries.length
    }
  } catch (err) {
    await listingStore.rollback()
    for (const text of blocks) {
      try { await blockstore.delete(CID.parse(text)) } catch { /* already gone: nothing to undo */ }
    }
    throw err
  } finally {
    for (const entry of entries) entry.key.fill(0)
  }
}
