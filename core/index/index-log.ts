import type { Blockstore } from 'interface-blockstore'
import { Key, type Datastore } from 'interface-datastore'
import { equals } from 'multiformats/bytes'
import { CairnError, QuotaExceededError } from '../errors.ts'
import { encodeHead, decodeHead, walkChain, type ChainHead } from './chain.ts'
import { HEADS_PREFIX } from './constants.ts'
import { tick, zeroHlc, type Hlc } from './hlc.ts'
import { blockVersionFor, chunkOps, encodeOpBlock, type EncodedOpBlock } from './op-block.ts'
import { canonicalEntry, isDeviceId, newFileId, validateEntry, validateOpBody, type FileEntry, type IndexOp, type PartialOp } from './ops.ts'
import { normalizePath } from './paths.ts'
import { retainedCids, trashedFile, trashOf, versionsOf, type TrashView, type VersionView } from './history.ts'
import { applyOp, createState, findByPath, findByTag, getFile, knowsFile, listFiles, type FileView, type IndexState, type ViewOptions } from './state.ts'

export interface IndexLogComponents {
  blockstore: Blockstore
  datastore: Datastore
}

export interface IndexLogInit {
  /** The index subkey (`deriveSubkey(vk, 'index')`). The log takes ownership: `stop()` overwrites it. */
  indexKey: Uint8Array
  /** This device's id (its PeerId string). */
  deviceId: string
  /** Wall clock in ms; injectable for tests. */
  now?: () => number
  /** Short device labels for conflict names (default: the id's last six characters). */
  deviceLabel?: (deviceId: string) => string
}

type Status = 'new' | 'started' | 'stopped'

/**
 * The vault index (DESIGN §4 "Index"): an encrypted operation log, one chain
 * of sealed op blocks per device, and the state materialised from all of
 * them. Blocks live in the blockstore; the head of each chain, `{cid, seq}`,
 * lives in the datastore under `/cairn/index/heads/<deviceId>`.
 *
 * Writing is block first, head last: the head is the commit point, so a
 * failed write leaves the previous head and the previous state (at worst an
 * unreferenced block remains in the store).
 */
export class IndexLog {
  private readonly blockstore: Blockstore
  private readonly datastore: Datastore
  private readonly indexKey: Uint8Array
  private readonly deviceId: string
  private readonly now: () => number
  private readonly viewOptions: ViewOptions
  private status: Status = 'new'
  private current: IndexState = createState()
  private readonly chainHeads = new Map<string, ChainHead>()
  /** CIDs of every op block of every chain, so backups can hold the whole log. */
  private readonly blockCidSet = new Set<string>()
  private clock: Hlc
  // Appends run one at a time: each needs the previous seq and head.
  private queue: Promise<unknown> = Promise.resolve()

  constructor (components: IndexLogComponents, init: IndexLogInit) {
    if (!isDeviceId(init.deviceId)) throw new CairnError('FORMAT_INVALID', 'device id is not valid')
    if (init.indexKey.length !== 32) throw new CairnError('INTERNAL', 'index key must be 32 bytes')
    this.blockstore = components.blockstore
    this.datastore = components.datastore
    this.indexKey = init.indexKey
    this.deviceId = init.deviceId
    this.now = init.now ?? (() => Date.now())
    this.viewOptions = init.deviceLabel === undefined ? {} : { deviceLabel: init.deviceLabel }
    this.clock = zeroHlc(init.deviceId)
  }

  /**
   * Loads every device's chain named by a stored head, checks it and applies
   * its ops; resumes this device's seq and clock. Throws INDEX_CHAIN_BROKEN
   * or INDEX_RECORD_TAMPERED when the stored log cannot be trusted.
   */
  async start (): Promise<void> {
    if (this.status !== 'new') throw new CairnError('INTERNAL', 'an index log starts once')
    const state = createState()
    const heads = new Map<string, ChainHead>()
    let clock = zeroHlc(this.deviceId)
    const prefix = HEADS_PREFIX + '/'
    for await (const { key, value } of this.datastore.query({ prefix })) {
      const device = key.toString().slice(prefix.length)
      const head = decodeHead(device, value)
      this.blockCidSet.add(head.cid.toString())
      for (const block of await walkChain(this.blockstore, this.indexKey, device, head)) {
        if (block.prev !== null) this.blockCidSet.add(block.prev)
        for (const op of block.ops) {
          applyOp(state, op)
          // Our next timestamp must follow every op seen, from any device,
          // so a local edit made after seeing one wins over it.
          if (op.hlc.wall > clock.wall || (op.hlc.wall === clock.wall && op.hlc.counter > clock.counter)) {
            clock = { wall: op.hlc.wall, counter: op.hlc.counter, device: this.deviceId }
          }
        }
      }
      heads.set(device, head)
    }
    this.current = state
    for (const [device, head] of heads) this.chainHeads.set(device, head)
    this.clock = clock
    this.status = 'started'
  }

  /** Waits for pending writes, then wipes the key and the state from memory. */
  async stop (): Promise<void> {
    if (this.status === 'stopped') return
    this.status = 'stopped'
    await this.queue.catch(() => {})
    this.indexKey.fill(0)
    this.current = createState()
    this.chainHeads.clear()
    this.blockCidSet.clear()
  }

  /** CIDs (strings) of every op block of every known chain. */
  blockCids (): string[] {
    this.assertStarted()
    return [...this.blockCidSet]
  }

  /** The materialised state (read-only; use the view functions of state.ts on it). */
  get state (): IndexState {
    this.assertStarted()
    return this.current
  }

  /** Heads of every known device chain (a copy), for sync. */
  heads (): Map<string, ChainHead> {
    this.assertStarted()
    return new Map(this.chainHeads)
  }

  /** Live files sorted by display path. */
  listFiles (): FileView[] {
    return listFiles(this.state, this.viewOptions)
  }

  /** A live file, or undefined. */
  getFile (fileId: string): FileView | undefined {
    return getFile(this.state, fileId, this.viewOptions)
  }

  /** The live file shown at this path (display path, NFC), or undefined. */
  findByPath (path: string): FileView | undefined {
    return findByPath(this.state, path, this.viewOptions)
  }

  /** A live file with this dedup tag, or undefined. */
  findByTag (tag: string): FileView | undefined {
    return findByTag(this.state, tag, this.viewOptions)
  }

  /** A file's earlier versions (live or in the Trash), newest first. */
  versions (fileId: string): VersionView[] {
    return versionsOf(this.state, fileId)
  }

  /** Deleted files waiting in the Trash, most recently deleted first. */
  trash (): TrashView[] {
    return trashOf(this.state)
  }

  /** Content roots still needed: live files, versions and the Trash (history.ts). */
  retainedCids (): Set<string> {
    return retainedCids(this.state)
  }

  /**
   * Makes an earlier version the live file's content (a put of its entry), so
   * the content it replaces becomes a version in turn. Throws FILE_NOT_FOUND
   * for a file that is not live or a version it does not have.
   */
  async restoreVersion (fileId: string, versionId: string): Promise<FileView> {
    return await this.exclusive(async () => {
      const file = this.liveFile(fileId)
      const version = versionsOf(this.current, fileId).find(v => v.versionId === versionId)
      if (version === undefined) throw new CairnError('FILE_NOT_FOUND', 'that version is no longer kept')
      await this.appendNow([{ kind: 'put', fileId, path: file.storedPath, entry: canonicalEntry(version.entry) }])
      return this.view(fileId)
    })
  }

  /**
   * Brings a file back from the Trash, with its versions, to `path` (default:
   * where it was). Throws FILE_NOT_FOUND (not in the Trash), PATH_INVALID,
   * PATH_EXISTS.
   */
  async restoreFromTrash (fileId: string, path?: string): Promise<FileView> {
    return await this.exclusive(async () => {
      const item = trashedFile(this.current, fileId)
      if (item === undefined) throw new CairnError('FILE_NOT_FOUND', 'that file is not in the Trash')
      const target = normalizePath(path ?? item.path)
      this.assertPathFree(target, fileId)
      await this.appendNow([{ kind: 'put', fileId, path: target, entry: canonicalEntry(item.entry) }])
      return this.view(fileId)
    })
  }

  /**
   * Forgets earlier versions, in one block: one prune op per put a version
   * stands for, each naming that put. A version is forgotten only if it is
   * still a version under that id now: a caller that chose it before taking
   * the lock (a tidy) must not forget a version restored meanwhile. Returns
   * how many versions were forgotten.
   */
  async prune (versions: ReadonlyArray<{ fileId: string, versionId: string }>): Promise<number> {
    return await this.exclusive(async () => {
      const ops: PartialOp[] = []
      let count = 0
      for (const { fileId, versionId } of versions) {
        const version = versionsOf(this.current, fileId).find(k => k.versionId === versionId)
        const path = this.current.files.get(fileId)?.placement?.path
        if (version === undefined || path === undefined) continue
        count++
        for (const target of version.puts) ops.push({ kind: 'prune', fileId, path, target })
      }
      await this.appendNow(ops)
      return count
    })
  }

  /**
   * Empties files out of the Trash for good, with their versions (one purge
   * op each). Files not in the Trash are skipped, and with `deletedBy` so are
   * those deleted after it (wall ms): deleted again since a tidy chose them.
   */
  async purge (fileIds: readonly string[], deletedBy?: number): Promise<TrashView[]> {
    return await this.exclusive(async () => {
      const items = fileIds.map(id => trashedFile(this.current, id))
        .filter((item): item is TrashView => item !== undefined && (deletedBy === undefined || item.deleted.wall <= deletedBy))
      await this.appendNow(items.map(item => ({ kind: 'purge' as const, fileId: item.fileId, path: item.path, target: item.deleted })))
      return items
    })
  }

  /**
   * Appends ops as this device: assigns timestamps and seqs, seals them into
   * one block (several only if the batch exceeds the block size limit),
   * stores the blocks, then moves the head. Only then are the ops applied.
   * No path-occupancy checks here (see put/move); ops are validated.
   */
  async append (ops: PartialOp[]): Promise<IndexOp[]> {
    return await this.exclusive(async () => await this.appendNow(ops))
  }

  /**
   * Adds a file, or (with `fileId`) replaces a known file's content. `path`
   * is where the file will be: pass the current display path to keep it.
   * Throws PATH_INVALID, PATH_EXISTS (another live file is there, or the
   * path runs through one), FILE_NOT_FOUND (unknown `fileId`).
   */
  async put (entry: FileEntry, path: string, fileId?: string): Promise<FileView> {
    validateEntry(entry)
    const target = normalizePath(path)
    return await this.exclusive(async () => {
      const id = fileId ?? newFileId()
      if (fileId !== undefined && !knowsFile(this.current, fileId)) throw new CairnError('FILE_NOT_FOUND', 'no such file in the index')
      this.assertPathFree(target, id)
      await this.appendNow([{ kind: 'put', fileId: id, path: target, entry: canonicalEntry(entry) }])
      return this.view(id)
    })
  }

  /**
   * Moves (renames) a live file. Moving a conflict-named file to its shown
   * name makes that name its stored path. Throws FILE_NOT_FOUND,
   * PATH_INVALID, PATH_EXISTS.
   */
  async move (fileId: string, newPath: string): Promise<FileView> {
    const target = normalizePath(newPath)
    return await this.exclusive(async () => {
      const file = this.liveFile(fileId)
      if (file.path === target && !file.conflict) return file
      this.assertPathFree(target, fileId)
      await this.appendNow([{ kind: 'move', fileId, path: target }])
      return this.view(fileId)
    })
  }

  /** Deletes a live file (a tombstone); returns the view it had. Throws FILE_NOT_FOUND. */
  async remove (fileId: string): Promise<FileView> {
    return await this.exclusive(async () => {
      const file = this.liveFile(fileId)
      await this.appendNow([{ kind: 'delete', fileId, path: file.storedPath }])
      return file
    })
  }

  private async appendNow (partials: PartialOp[]): Promise<IndexOp[]> {
    this.assertStarted()
    if (partials.length === 0) return []
    for (const p of partials) validateOpBody(p)
    const head = this.chainHeads.get(this.deviceId)
    let seq = head?.seq ?? 0
    let clock = this.clock
    const ops: IndexOp[] = partials.map(p => {
      clock = tick(clock, this.now())
      const op: IndexOp = { hlc: clock, device: this.deviceId, seq: ++seq, kind: p.kind, fileId: p.fileId, path: p.path }
      if (p.entry !== undefined) op.entry = canonicalEntry(p.entry)
      if (p.target !== undefined) op.target = p.target
      return op
    })
    let prev = head?.cid ?? null
    const encoded: EncodedOpBlock[] = []
    for (const run of chunkOps(ops)) {
      const first = run[0] as IndexOp
      const block = await encodeOpBlock(this.indexKey, {
        v: blockVersionFor(run),
        device: this.deviceId,
        seqFrom: first.seq,
        seqTo: first.seq + run.length - 1,
        prev: prev === null ? null : prev.toString(),
        ops: run
      })
      encoded.push(block)
      prev = block.cid
    }
    try {
      // putMany, not put: a store that batches durability (the pack store)
      // makes everything written so far durable at the end of putMany, so the
      // head below never points at a block — or file content — a crash could lose.
      for await (const cid of this.blockstore.putMany(encoded.map(block => ({ cid: block.cid, bytes: block.bytes })))) { void cid }
    } catch (err) {
      throw storageError(err, 'storing an index block failed')
    }
    const last = encoded.at(-1) as EncodedOpBlock
    const newHead: ChainHead = { cid: last.cid, seq }
    await this.writeHead(newHead)
    this.chainHeads.set(this.deviceId, newHead)
    for (const block of encoded) this.blockCidSet.add(block.cid.toString())
    this.clock = clock
    for (const op of ops) applyOp(this.current, op)
    return ops
  }

  private async writeHead (head: ChainHead): Promise<void> {
    const key = new Key(`${HEADS_PREFIX}/${this.deviceId}`)
    const bytes = encodeHead(this.deviceId, head)
    try {
      await this.datastore.put(key, bytes)
    } catch (err) {
      // A store may report failure for a write that landed (an aborted
      // IndexedDB transaction can); if the new head is there, it committed,
      // and pretending otherwise would fork our own chain on the next append.
      const landed = await Promise.resolve(this.datastore.get(key)).then(stored => equals(stored, bytes), () => false)
      if (!landed) throw storageError(err, 'storing the index head failed')
    }
  }

  // Reads this.current directly: an append that committed while stop() was
  // waiting for it still reports its result.
  private view (fileId: string): FileView {
    return getFile(this.current, fileId, this.viewOptions) as FileView
  }

  private liveFile (fileId: string): FileView {
    const file = getFile(this.current, fileId, this.viewOptions)
    if (file === undefined) throw new CairnError('FILE_NOT_FOUND', 'no such file in the index')
    return file
  }

  // Local actions refuse to put a file where another live file is shown, or
  // to turn a file into a folder (or the reverse). Concurrent edits from
  // other devices cannot be refused; they become conflict names instead.
  private assertPathFree (path: string, fileId: string): void {
    for (const other of listFiles(this.current, this.viewOptions)) {
      if (other.fileId === fileId) continue
      if (other.path === path) throw new CairnError('PATH_EXISTS', 'another file already has that name')
      if (other.path.startsWith(path + '/')) throw new CairnError('PATH_EXISTS', 'that name is a folder')
      if (path.startsWith(other.path + '/')) throw new CairnError('PATH_EXISTS', 'a file is in the way of that folder')
    }
  }

  private assertStarted (): void {
    if (this.status !== 'started') throw new CairnError('VAULT_LOCKED', 'the index is not open')
  }

  private async exclusive<T> (job: () => Promise<T>): Promise<T> {
    this.assertStarted()
    const run = this.queue.then(job, job)
    this.queue = run.catch(() => {})
    return await run
  }
}

function storageError (err: unknown, message: string): CairnError {
  if (err instanceof CairnError) return err
  if (err instanceof Error && err.name === 'QuotaExceededError') return new QuotaExceededError(undefined, { cause: err })
  return new CairnError('STORAGE_FAILED', message, { cause: err })
}
