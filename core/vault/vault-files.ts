import { CairnError, FileNotFoundError, InvalidArgumentError, VaultLockedError } from '../errors.ts'
import { generateFileKey } from '../crypto/stream-format.ts'
import { createDedupHasher } from '../crypto/dedup-tag.ts'
import { createDedupHasherV2, dedupTagV2FromDigests } from '../crypto/dedup-tag-v2.ts'
import { readDecrypted, readEveryBlock, RecordingBlockstore } from '../storage/encrypted-content.ts'
import type { ByteRange } from '../storage/range-read.ts'
import { createInThreadSealer, type ChunkSealer } from '../storage/chunk-sealer.ts'
import { storeSealed } from '../storage/sealed-content.ts'
import { findByAnyTag, hasVersion1TagOfSize, tagOfBlobV2 } from './content-tags.ts'
import { namedContent, type NamedContent } from '../index/named-content.ts'
import { namingFile, recoveringStream } from './recovering-read.ts'
import { fromBase64, toBase64 } from '../crypto/base64.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { FileView } from '../index/state.ts'
import type { FileEntry } from '../index/ops.ts'
import { putBeside } from '../index/put-beside.ts'
import type { AddFileResult, FileInfo } from './vault-views.ts'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { UploadJournal } from '../storage/upload-journal.ts'
import { sealUploadLabel } from './upload-labels.ts'
import { RepairingReadBlockstore, type FileHealthState } from './repairing-read.ts'
import type { BlockRepair } from './block-repair.ts'
import { resolveConflict, type ConflictChoice } from './resolve-conflict.ts'
import { explicitFolders, FOLDER_RECORD_TYPE, folderRecordPath, isFolderRecord, planMove, planRename, type MoveSources } from './folder-records.ts'
import { assertFolderFree, moveFiles, removeFiles } from './vault-folders.ts'

/** Repair on read: damaged blocks are fetched again; `onHealth` hears which file was damaged or repaired. */
export interface FileReadHealth {
  repair: BlockRepair
  onHealth: (fileId: string, state: FileHealthState) => void
}

/**
 * Computes the version-1 dedup tag (keyed BLAKE3) of a file; the browser runs
 * it in a second worker. New content is tagged with version 2 (content-tags.ts);
 * this one is asked only when the vault holds version-1 content of the same size.
 */
export interface TagHasher {
  (dedupKey: Uint8Array, file: Blob): Promise<Uint8Array>
  /**
   * Read a file of HASH_FIRST_BELOW or more once, as `addStream` does: an old
   * tag, when one is needed, is computed from the bytes as they are encrypted,
   * not by this hasher in a second pass. For the desktop: its page's files
   * cross a socket for every read.
   */
  readLargeFilesOnce?: boolean
  /** Where the per-chunk work of adds and reads runs (a pool of workers); this thread when absent. */
  sealer?: ChunkSealer
}

/** The sealer of a host that brings none. */
const inThreadSealer = createInThreadSealer()

/** Below this size the tag is computed before encrypting (cheap), so a duplicate writes nothing at all. */
const HASH_FIRST_BELOW = 8 * 1024 * 1024

export interface AddInput {
  file: Blob
  path: string
  mtime: number
  type: string
  onProgress?: (plaintextBytesDone: number) => void
  /**
   * Never replace: a file that arrives from someone else (a share being
   * saved) goes beside a file or folder of its name ("name (2).ext"), chosen
   * under the index's lock (put-beside.ts). Without it, an upload to a
   * file's path makes a new version of that file.
   */
  besideExisting?: boolean
}

/** A file that arrives as a stream (a share being received): it never exists whole in memory or as a Blob. */
export interface AddStreamInput extends Omit<AddInput, 'file'> {
  /** The plaintext, read once. */
  stream: ReadableStream<Uint8Array>
  /** Its length: a stream that ends short of it or runs past it is refused, and nothing is kept. */
  size: number
}

/** What storing new content needs, whichever way the plaintext arrives. */
type StoreInput = Omit<AddStreamInput, 'stream'>

export function toFileInfo (view: FileView): FileInfo {
  const info: FileInfo = { fileId: view.fileId, path: view.path, size: view.entry.size, mtime: view.entry.mtime, type: view.entry.type, cid: view.entry.cid }
  // Only on conflict copies, so every other file's info stays as it was.
  if (!view.conflict) return info
  return { ...info, conflict: true, conflictOf: view.storedPath, ...(view.versionId !== undefined ? { versionId: view.versionId } : {}) }
}

/**
 * File operations of an unlocked vault: content goes through the STREAM
 * encryptor into UnixFS, metadata (with the file key) into the encrypted index.
 */
export class VaultFiles {
  /**
   * Content roots an upload found already stored and is about to give a new
   * name, with how many uploads are doing so: from the lookup until the new
   * name is in the index, nothing else holds them (their file may be deleted
   * and its Trash emptied meanwhile), so freeing must leave them (`inUse`).
   */
  private readonly claimed = new Map<string, number>()

  constructor (
    private readonly blockstore: Blockstore,
    private readonly index: IndexLog,
    private readonly dedupKey: Uint8Array,
    private readonly hashTag: TagHasher,
    /** Aborted when the vault locks: uploads stop and take back what they wrote. */
    private readonly locked: AbortSignal,
    /** Where reads come from (may fetch missing blocks from peers); defaults to the local store. */
    private readonly readBlockstore: Blockstore = blockstore,
    private readonly health?: FileReadHealth,
    /** Where uploads in progress record the blocks they add (upload-journal.ts), so a cut-off one is freed at the next unlock; none kept without it. */
    private readonly uploads?: Datastore,
    /** Seals each journalled upload's path (upload-labels.ts), so a cut-off one is named at the next unlock. */
    private readonly uploadLabelKey?: Uint8Array
  ) {}

  /** Aborted when the vault locks: long work on its files (a share's copy) stops with it. */
  get lockSignal (): AbortSignal {
    return this.locked
  }

  /** Whether an upload is about to name this content root (see `claimed`): it must not be freed. */
  inUse (root: string): boolean {
    return this.claimed.has(root)
  }

  /** Claims the root of content found stored; returns the release. */
  private claim (root: string): () => void {
    this.claimed.set(root, (this.claimed.get(root) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.claimed.get(root) ?? 1) - 1
      if (left === 0) this.claimed.delete(root)
      else this.claimed.set(root, left)
    }
  }

  /** The live files, without folder records (folder-records.ts). */
  list (): FileInfo[] {
    return this.index.listFiles().map(toFileInfo).filter(f => !isFolderRecord(f))
  }

  /** The folders kept by a record (the user made them; they may be empty). */
  folders (): string[] {
    return explicitFolders(this.index.listFiles().map(toFileInfo))
  }

  /** Makes an empty folder that stays (a folder record). Throws PATH_INVALID, PATH_EXISTS. */
  async createFolder (path: string, mtime: number): Promise<void> {
    const folder = assertFolderFree(this.index, path)
    await this.add({ file: new Blob([]), path: folderRecordPath(folder), mtime, type: FOLDER_RECORD_TYPE })
  }

  /** Moves files and folders (with all under them) into `to`, in one index update. */
  async move (sources: MoveSources, to: string): Promise<void> {
    await moveFiles(this.index, planMove(this.movable(), sources, to))
  }

  /** Renames a folder: every file under it moves, in one index update. */
  async renameFolder (from: string, to: string): Promise<void> {
    await moveFiles(this.index, planRename(this.movable(), from, to))
  }

  /** Sends files and folders (everything under them, records included) to the Trash, in one index update. */
  async removeMany (sources: MoveSources): Promise<void> {
    const ids = new Set(sources.fileIds)
    for (const f of this.movable()) if (sources.folders.some(folder => folder !== '' && f.path.startsWith(folder + '/'))) ids.add(f.fileId)
    await removeFiles(this.index, [...ids])
  }

  /** Every live file with its record, as shown: concurrent edits move with their file. */
  private movable (): Array<{ fileId: string, path: string }> {
    return this.index.listFiles().filter(v => v.versionId === undefined).map(v => ({ fileId: v.fileId, path: v.path }))
  }

  /** Every root the vault keeps, named: live files, earlier versions, the Trash (to name damage). */
  namedContent (): NamedContent[] {
    return namedContent(this.index)
  }

  async add (input: AddInput): Promise<AddFileResult> {
    if (this.hashTag.readLargeFilesOnce === true && input.file.size >= HASH_FIRST_BELOW) {
      const { file, ...rest } = input
      return await this.addStream({ ...rest, stream: file.stream(), size: file.size })
    }
    const stored = { ...input, size: input.file.size }
    // Content added before version-2 tags keeps deduplicating: its old tag is computed too when a file of that size has one.
    const oldTag = hasVersion1TagOfSize(this.index, stored.size) ? this.hashTag(this.dedupKey, input.file) : undefined
    // A rejected tag is reported below; don't let it surface as unhandled meanwhile.
    oldTag?.catch(() => {})
    if (input.file.size < HASH_FIRST_BELOW) {
      const tag = await tagOfBlobV2(this.dedupKey, input.file)
      const duplicate = await this.duplicateOf([tag, oldTag === undefined ? undefined : await oldTag], stored)
      if (duplicate !== undefined) return duplicate
      return await this.storeNew(input.file.stream(), stored, tag, oldTag)
    }
    // A Blob itself: read into the chunk buffers the seal workers hand back (plaintext-pieces.ts).
    // A file that only looks like one (the desktop socket's, pulled from the page) is read as a stream.
    const file = input.file as File | Pick<File, 'stream'>
    return await this.storeNew(file instanceof Blob ? file : file.stream(), stored, undefined, oldTag)
  }

  /**
   * Adds a file read from a stream. The dedup tag is computed as the bytes go
   * by, so a duplicate is found only at the end; what was written is then
   * taken back, as for a large file in add().
   */
  async addStream (input: AddStreamInput): Promise<AddFileResult> {
    let hasher
    try {
      if (!Number.isSafeInteger(input.size) || input.size < 0) throw new InvalidArgumentError(`a file's size must be a whole number of bytes, not ${input.size}`)
      // The old tag only when content of that size was tagged with it (content-tags.ts).
      hasher = hasVersion1TagOfSize(this.index, input.size) ? await createDedupHasher(this.dedupKey) : undefined
    } catch (err) {
      // Nothing will read the stream: let its source go.
      await input.stream.cancel().catch(() => {})
      throw err
    }
    let resolveTag!: (tag: Uint8Array) => void
    const oldTag = hasher === undefined ? undefined : new Promise<Uint8Array>((resolve) => { resolveTag = resolve })
    let seen = 0
    const checked = input.stream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform (chunk, controller) {
        seen += chunk.byteLength
        if (seen > input.size) throw new CairnError('TRAILING_DATA', `The file is longer than the ${input.size} bytes it was announced with; nothing was stored`)
        hasher?.update(chunk)
        controller.enqueue(chunk)
      },
      flush () {
        if (seen < input.size) throw new CairnError('STREAM_TRUNCATED', `The file ended after ${seen} of its ${input.size} bytes; nothing was stored`)
        if (hasher !== undefined) resolveTag(hasher.digest())
      }
    }))
    return await this.storeNew(checked, input, undefined, oldTag)
  }

  /**
   * Encrypts and stores new content, then indexes it, unless a tag shows the
   * vault already has it. The version-2 tag is `tag` when known up front,
   * else made from the piece digests the sealer computed while encrypting.
   */
  private async storeNew (plaintext: ReadableStream<Uint8Array> | Blob, input: StoreInput, tag: Uint8Array | undefined, oldTag: Promise<Uint8Array> | undefined): Promise<AddFileResult> {
    // Encrypt while the old tag (if any) is computed, and stop early (taking
    // back what was written) if it turns out to be a duplicate.
    const upload = new AbortController()
    const signal = AbortSignal.any([upload.signal, this.locked])
    // Only a lookup here: the new name is recorded below, once, and only if this call succeeds.
    let existing: FileView | undefined
    let release = (): void => {}
    const found = (view: FileView | undefined): void => {
      if (view === undefined || existing !== undefined) return
      existing = view
      // Claimed at the lookup: the rollback below gives the Trash time to be emptied of it.
      release = this.claim(view.entry.cid)
      upload.abort()
    }
    const checked = oldTag?.then((old) => { found(findByAnyTag(this.index, [old])); return old })
    checked?.catch(() => {})

    const label = this.uploadLabelKey !== undefined ? sealUploadLabel(this.uploadLabelKey, input.path) : undefined
    const store = new RecordingBlockstore(this.blockstore, this.uploads !== undefined ? new UploadJournal(this.uploads, label) : undefined)
    const fileKey = generateFileKey()
    try {
      const sealed = await storeSealed(store, plaintext, {
        fileKey,
        sealer: this.hashTag.sealer ?? inThreadSealer,
        signal,
        onStored: (bytes) => input.onProgress?.(Math.min(input.size, bytes))
      })
      const newTag = tag ?? dedupTagV2FromDigests(this.dedupKey, sealed.size, sealed.pieceDigests)
      found(findByAnyTag(this.index, [newTag, checked === undefined ? undefined : await checked]))
      if (existing !== undefined) {
        await store.rollback()
        return await this.recordDuplicate(existing, input)
      }
      const placed = await this.place({
        cid: sealed.cid.toString(),
        size: input.size,
        mtime: input.mtime,
        type: input.type,
        tag: toBase64(newTag),
        fk: toBase64(fileKey)
      }, input)
      // Named by the index now; a record this fails to drop names a retained root, so the next sweep frees nothing of it.
      await store.commit().catch(() => {})
      input.onProgress?.(input.size)
      return { file: toFileInfo(placed.view), deduplicated: false, replaced: placed.replaced }
    } catch (err) {
      await store.rollback()
      // Stopped because the content is already here: that is success.
      if (existing !== undefined && !this.locked.aborted) return await this.recordDuplicate(existing, input)
      if (this.locked.aborted) throw new VaultLockedError('The vault was locked during the upload; nothing was stored')
      throw err
    } finally {
      release()
      fileKey.fill(0)
    }
  }

  /**
   * When the vault already holds this content (under any of `tags`), records
   * the new name for it (pointing at the same ciphertext and key) and stores nothing new.
   */
  private async duplicateOf (tags: ReadonlyArray<Uint8Array | undefined>, input: StoreInput): Promise<AddFileResult | undefined> {
    const existing = findByAnyTag(this.index, tags)
    if (existing === undefined) return undefined
    const release = this.claim(existing.entry.cid)
    try {
      return await this.recordDuplicate(existing, input)
    } finally {
      release()
    }
  }

  private async recordDuplicate (existing: FileView, input: StoreInput): Promise<AddFileResult> {
    if (existing.path === input.path) return { file: toFileInfo(existing), deduplicated: true, unchanged: true }
    const placed = await this.place({ ...existing.entry, mtime: input.mtime, type: input.type }, input)
    return { file: toFileInfo(placed.view), deduplicated: true, replaced: placed.replaced }
  }

  /** Records new content under the input's path: beside what is there, or (an upload) over a file there. */
  private async place (entry: FileEntry, input: StoreInput): Promise<{ view: FileView, replaced: boolean }> {
    if (input.besideExisting === true) return { view: await putBeside(this.index, entry, input.path), replaced: false }
    // A file already at that path keeps its id: its content so far becomes an earlier version.
    const replacing = this.replaceable(input.path)
    return { view: await this.index.put(entry, input.path, replacing), replaced: replacing !== undefined }
  }

  /**
   * The id of the file an upload to `path` replaces, if any. Not a concurrent
   * edit's: it shares its file's id, so replacing it would move that file
   * off its own name; a save there is a new file and the edit stays shown.
   */
  private replaceable (path: string): string | undefined {
    const there = this.index.findByPath(path)
    return there?.versionId === undefined ? there?.fileId : undefined
  }

  async rename (fileId: string, path: string): Promise<FileInfo> {
    return toFileInfo(await this.index.move(fileId, path))
  }

  /** Keeps this conflict copy (or concurrent edit, by `versionId`), the file holding its name, or both (resolve-conflict.ts). */
  async resolveConflict (fileId: string, keep: ConflictChoice, versionId?: string): Promise<void> {
    await resolveConflict(this.index, fileId, keep, versionId)
  }

  /** Moves a file to the Trash (a delete op; versions and Trash live in the index, core/index/history.ts). */
  async remove (fileId: string): Promise<void> {
    await this.index.remove(fileId)
  }

  /**
   * What sharing a file needs: its entry and its file key (a copy the caller
   * must wipe). The key stays inside the node worker; a share link carries
   * the key of a fresh copy, never this one. With `versionId`: that conflict
   * copy or earlier version, as {@link open} reads it.
   */
  sourceOf (fileId: string, versionId?: string): { info: FileInfo, fileKey: Uint8Array, readBlockstore: Blockstore } {
    const view = versionId === undefined ? this.index.getFile(fileId) : this.versionView(fileId, versionId)
    if (view === undefined) throw new FileNotFoundError('That file is not in the vault', { fileId })
    return { info: toFileInfo(view), fileKey: fromBase64(view.entry.fk), readBlockstore: this.readerFor(fileId) }
  }

  /**
   * The decrypted content of one file as a stream, authenticated as it is
   * read. With `versionId`: that concurrent edit (a conflict copy, which
   * shares the file's id) or earlier version, not the current content.
   */
  open (fileId: string, versionId?: string): { info: FileInfo, stream: ReadableStream<Uint8Array> } {
    const { info, read } = this.reader(fileId, versionId)
    return { info, stream: read() }
  }

  /**
   * One file's info, and how to read it later, whole or a byte range of it
   * (a download answering an HTTP Range request): the content is the one
   * the file had when this was called, whatever it becomes meanwhile.
   */
  reader (fileId: string, versionId?: string): { info: FileInfo, read: (range?: ByteRange) => ReadableStream<Uint8Array> } {
    const view = versionId === undefined ? this.index.getFile(fileId) : this.versionView(fileId, versionId)
    if (view === undefined) throw new FileNotFoundError('That file is not in the vault', { fileId })
    const sealer = this.hashTag.sealer
    const base = { plaintextLength: view.entry.size, signal: this.locked, ...(sealer !== undefined ? { sealer } : {}) }
    // A fresh key for each read: readDecrypted wipes the one it is given when it ends.
    const fileKey = (): Uint8Array => fromBase64(view.entry.fk)
    const read = (range?: ByteRange): ReadableStream<Uint8Array> => {
      const init = { ...base, ...(range !== undefined ? { range } : {}) }
      if (this.health === undefined) return namingFile(readDecrypted(this.readBlockstore, view.entry.cid, fileKey(), init), fileId)
      // Fast path: ciphertext leaves are not hashed on read (the decryptor authenticates
      // them). When decrypting fails, every block is read again with its hash checked,
      // damaged ones are repaired, and the read starts over.
      const fast = this.readerFor(fileId, true)
      let repaired = 0
      const checked = this.readerFor(fileId, false, () => { repaired++ })
      const stream = recoveringStream(() => readDecrypted(fast, view.entry.cid, fileKey(), init), async () => {
        const before = repaired
        await readEveryBlock(checked, view.entry.cid, this.locked)
        return repaired > before
      })
      return namingFile(stream, fileId)
    }
    return { info: toFileInfo(view), read }
  }

  /** The content a file (or, with `versionId`, that edit or version) shows, and its key (a copy the caller must wipe). */
  contentOf (fileId: string, versionId?: string): { cid: string, type: string, fileKey: Uint8Array } {
    const view = versionId === undefined ? this.index.getFile(fileId) : this.versionView(fileId, versionId)
    if (view === undefined) throw new FileNotFoundError('That file is not in the vault', { fileId })
    return { cid: view.entry.cid, type: view.entry.type, fileKey: fromBase64(view.entry.fk) }
  }

  /** A conflict copy shown beside the file, else one of its earlier versions (as the Versions dialog reads them). */
  private versionView (fileId: string, versionId: string): FileView | undefined {
    // From a message: a wrong type is the caller's mistake, not a missing file.
    if (typeof versionId !== 'string') throw new InvalidArgumentError('versionId must be a string')
    const copy = this.index.listFiles().find(f => f.fileId === fileId && f.versionId === versionId)
    if (copy !== undefined) return copy
    const current = this.index.getFile(fileId)
    const version = this.index.history.versions(fileId).find(v => v.versionId === versionId)
    if (current === undefined || version === undefined) return undefined
    return { ...current, entry: version.entry, updated: version.saved, versionId }
  }

  /** The keyed dedup tag (base64) of content read from a stream: folder sync tells a moved file by it without uploading it. */
  async tagOfStream (stream: ReadableStream<Uint8Array>): Promise<string> {
    // The tag new content is stored under (version 2), so a moved file matches its own upload.
    const hasher = createDedupHasherV2(this.dedupKey)
    for await (const chunk of stream) hasher.update(chunk)
    return toBase64(await hasher.digest())
  }

  /** The dedup tag (base64) of a live file's current content. */
  tagOf (fileId: string): string | undefined {
    return this.index.getFile(fileId)?.entry.tag
  }

  /** The live files with their dedup tags (folder sync compares them with the tags it last saw). */
  listWithTags (): Array<FileInfo & { tag: string }> {
    return this.index.listFiles().map(view => ({ ...toFileInfo(view), tag: view.entry.tag }))
  }

  /** The blockstore one file is read through: repairing damaged blocks when a repair is wired in. */
  private readerFor (fileId: string, trustRawLeaves = false, onRepaired?: () => void): Blockstore {
    const health = this.health
    if (health === undefined) return this.readBlockstore
    return new RepairingReadBlockstore(this.readBlockstore, health.repair, (state) => {
      if (state === 'repaired') onRepaired?.()
      health.onHealth(fileId, state)
    }, { trustRawLeaves })
  }
}
