import { CairnError } from '../errors.ts'
import { generateFileKey } from '../crypto/stream-format.ts'
import { readDecrypted, RecordingBlockstore, storeEncrypted } from './encrypted-content.ts'
import { fromBase64, toBase64 } from '../index/base64.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { FileView } from '../index/state.ts'
import type { AddFileResult, FileInfo } from '../rpc/api.ts'
import type { Blockstore } from 'interface-blockstore'

/** Computes the keyed BLAKE3 dedup tag of a file; the browser runs it in a second worker. */
export type TagHasher = (dedupKey: Uint8Array, file: Blob) => Promise<Uint8Array>

/** Below this size the tag is computed before encrypting (cheap), so a duplicate writes nothing at all. */
const HASH_FIRST_BELOW = 8 * 1024 * 1024

export interface AddInput {
  file: Blob
  path: string
  mtime: number
  type: string
  onProgress?: (plaintextBytesDone: number) => void
}

export function toFileInfo (view: FileView): FileInfo {
  return { fileId: view.fileId, path: view.path, size: view.entry.size, mtime: view.entry.mtime, type: view.entry.type, cid: view.entry.cid }
}

/**
 * File operations of an unlocked vault: content goes through the STREAM
 * encryptor into UnixFS, metadata (with the file key) into the encrypted index.
 */
export class VaultFiles {
  constructor (
    private readonly blockstore: Blockstore,
    private readonly index: IndexLog,
    private readonly dedupKey: Uint8Array,
    private readonly hashTag: TagHasher,
    /** Aborted when the vault locks: uploads stop and take back what they wrote. */
    private readonly locked: AbortSignal,
    /** Where reads come from (may fetch missing blocks from peers); defaults to the local store. */
    private readonly readBlockstore: Blockstore = blockstore
  ) {}

  /** Aborted when the vault locks: long work on its files (a share's copy) stops with it. */
  get lockSignal (): AbortSignal {
    return this.locked
  }

  list (): FileInfo[] {
    return this.index.listFiles().map(toFileInfo)
  }

  async add (input: AddInput): Promise<AddFileResult> {
    const tagPromise = this.hashTag(this.dedupKey, input.file)
    // A rejected tag is reported below; don't let it surface as unhandled meanwhile.
    tagPromise.catch(() => {})
    if (input.file.size < HASH_FIRST_BELOW) {
      const duplicate = await this.duplicateOf(await tagPromise, input)
      if (duplicate !== undefined) return duplicate
    }

    // Large file: encrypt while the tag is computed on the other core, and stop
    // early (taking back what was written) if it turns out to be a duplicate.
    const upload = new AbortController()
    const signal = AbortSignal.any([upload.signal, this.locked])
    let duplicate: AddFileResult | undefined
    void tagPromise.then(async (tag) => {
      duplicate = await this.duplicateOf(tag, input)
      if (duplicate !== undefined) upload.abort()
    }, () => {})

    const store = new RecordingBlockstore(this.blockstore)
    const fileKey = generateFileKey()
    let cid
    try {
      cid = await storeEncrypted(store, input.file.stream(), {
        fileKey,
        signal,
        onStored: (bytes) => input.onProgress?.(Math.min(input.file.size, bytes))
      })
      const tag = await tagPromise
      duplicate ??= await this.duplicateOf(tag, input)
      if (duplicate !== undefined) {
        await store.rollback()
        return duplicate
      }
      const view = await this.index.put({
        cid: cid.toString(),
        size: input.file.size,
        mtime: input.mtime,
        type: input.type,
        tag: toBase64(tag),
        fk: toBase64(fileKey)
      }, input.path, this.index.findByPath(input.path)?.fileId)
      input.onProgress?.(input.file.size)
      return { file: toFileInfo(view), deduplicated: false }
    } catch (err) {
      await store.rollback()
      if (duplicate !== undefined) return duplicate
      if (this.locked.aborted) throw new CairnError('VAULT_LOCKED', 'The vault was locked during the upload; nothing was stored')
      throw err
    } finally {
      fileKey.fill(0)
    }
  }

  /**
   * When the vault already holds this content, records the new name for it
   * (pointing at the same ciphertext and key) and stores nothing new.
   */
  private async duplicateOf (tag: Uint8Array, input: AddInput): Promise<AddFileResult | undefined> {
    const existing = this.index.findByTag(toBase64(tag))
    if (existing === undefined) return undefined
    if (existing.path === input.path) return { file: toFileInfo(existing), deduplicated: true }
    const view = await this.index.put({ ...existing.entry, mtime: input.mtime, type: input.type }, input.path, this.index.findByPath(input.path)?.fileId)
    return { file: toFileInfo(view), deduplicated: true }
  }

  async rename (fileId: string, path: string): Promise<FileInfo> {
    return toFileInfo(await this.index.move(fileId, path))
  }

  async remove (fileId: string): Promise<void> {
    await this.index.remove(fileId)
  }

  /**
   * What sharing a file needs: its entry and its file key (a copy the caller
   * must wipe). The key stays inside the node worker; a share link carries
   * the key of a fresh copy, never this one.
   */
  sourceOf (fileId: string): { info: FileInfo, fileKey: Uint8Array, readBlockstore: Blockstore } {
    const view = this.index.getFile(fileId)
    if (view === undefined) throw new CairnError('FILE_NOT_FOUND', 'That file is not in the vault')
    return { info: toFileInfo(view), fileKey: fromBase64(view.entry.fk), readBlockstore: this.readBlockstore }
  }

  /** The decrypted content of one file as a stream, authenticated as it is read. */
  open (fileId: string): { info: FileInfo, stream: ReadableStream<Uint8Array> } {
    const view = this.index.getFile(fileId)
    if (view === undefined) throw new CairnError('FILE_NOT_FOUND', 'That file is not in the vault')
    const fileKey = fromBase64(view.entry.fk)
    return { info: toFileInfo(view), stream: readDecrypted(this.readBlockstore, view.entry.cid, fileKey, { plaintextLength: view.entry.size, signal: this.locked }) }
  }
}
