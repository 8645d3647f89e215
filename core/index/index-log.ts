import type { Blockstore } from 'interface-blockstore'
import { systemClock, type Clock } from '../clock.ts'
import { CID } from 'multiformats/cid'
import type { Datastore } from 'interface-datastore'
import { CairnError, FileNotFoundError, FormatInvalidError, InvalidArgumentError, PathExistsError, VaultLockedError } from '../errors.ts'
import { readBlock, type ChainHead } from './chain.ts'
import { deleteOps } from './conflicts.ts'
import { headMacKey, signHead, type SignedHead } from './head-mac.ts'
import { tick, zeroHlc, type Hlc } from './hlc.ts'
import { loadLog, observe, storeBlocks, writeHead, writeOps, type BlockLink } from './log-store.ts'
import { runBlocks, verifyRemoteRun, type FetchBlock, type VerifiedRun } from './merge-chain.ts'
import { decodeOpBlock } from './op-block.ts'
import { canonicalEntry, isDeviceId, newFileId, validateEntry, validateOpBody, type FileEntry, type IndexOp, type PartialOp } from './ops.ts'
import { normalizePath } from './paths.ts'
import { retainedCids } from './history.ts'
import { IndexHistory } from './index-history.ts'
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
  now?: Clock
  /** Short device labels for conflict names (default: the id's last six characters). */
  deviceLabel?: (deviceId: string) => string
  /** Op-block bytes a merge holds in memory before it stores checked blocks (default MERGE_WINDOW_BYTES). */
  mergeWindowBytes?: number
}

type Status = 'new' | 'started' | 'stopped'

/** What `IndexLog.merge` changed, so the caller can say `files.changed`. */
export interface MergeResult {
  device: string
  /** The seq known before and after the merge (equal when nothing was new). */
  fromSeq: number
  toSeq: number
  /** Op blocks stored. */
  blocks: number
  /** File ids whose state changed, sorted. */
  changed: string[]
}

/** What an action under the index's lock sees and may do (`IndexLog.transact`). */
export interface IndexTransaction {
  /** The current state: each append updates it. */
  readonly state: IndexState
  /** Appends as this device (see `IndexLog.append`), without taking the lock again. */
  append: (ops: PartialOp[]) => Promise<IndexOp[]>
  /** The live file, or FILE_NOT_FOUND. */
  liveFile: (fileId: string) => FileView
  /** The file as shown now (after an append that made it live). */
  view: (fileId: string) => FileView
  /** The live files as shown now (display paths, concurrent edits included). */
  files: () => FileView[]
  /** Throws PATH_EXISTS unless `path` is free for `fileId` (see `IndexLog.put`). */
  assertPathFree: (path: string, fileId: string) => void
}

/**
 * The vault index (DESIGN §4 "Index"): an encrypted operation log, one chain
 * of sealed op blocks per device, and the state materialised from all of
 * them. Blocks live in the blockstore; the head of each chain, `{cid, seq}`,
 * lives in the datastore under `/cairn/index/heads/<deviceId>` (log-store.ts).
 *
 * Writing is block first, head last: the head is the commit point, so a
 * failed write leaves the previous head and the previous state (at worst an
 * unreferenced block remains in the store). Versions and the Trash are read
 * and changed through `history` (index-history.ts).
 */
export class IndexLog {
  private readonly stores: IndexLogComponents
  private readonly indexKey: Uint8Array
  /** Key of the heads' MACs (head-mac.ts), derived from the index key. */
  private readonly macKey: Uint8Array
  private readonly deviceId: string
  private readonly now: Clock
  private readonly viewOptions: ViewOptions
  private readonly mergeWindowBytes: number | undefined
  private status: Status = 'new'
  private current: IndexState = createState()
  private readonly chainHeads = new Map<string, ChainHead>()
  /** CIDs of every op block of every chain, so backups can hold the whole log. */
  private readonly blockCidSet = new Set<string>()
  /** Each known block's prev and first seq (log-store.ts), so `blocksAfter` walks a chain without unsealing it. */
  private readonly links = new Map<string, BlockLink>()
  private clock: Hlc
  private readonly lastHlc = new Map<string, Hlc>()
  // Appends run one at a time: each needs the previous seq and head.
  private queue: Promise<unknown> = Promise.resolve()
  /** Told after every append of this device (not merges): device sync pushes from here. */
  private readonly appendListeners = new Set<(ops: IndexOp[]) => void>()
  /** Versions and the Trash: reads, restores, prune and purge (index-history.ts). */
  readonly history: IndexHistory = new IndexHistory(this)

  constructor (components: IndexLogComponents, init: IndexLogInit) {
    if (!isDeviceId(init.deviceId)) throw new FormatInvalidError('device id is not valid')
    if (init.indexKey.length !== 32) throw new InvalidArgumentError('index key must be 32 bytes')
    this.stores = { blockstore: components.blockstore, datastore: components.datastore }
    this.indexKey = init.indexKey
    this.macKey = headMacKey(init.indexKey)
    this.deviceId = init.deviceId
    this.now = init.now ?? systemClock
    this.viewOptions = init.deviceLabel === undefined ? {} : { deviceLabel: init.deviceLabel }
    this.mergeWindowBytes = init.mergeWindowBytes
    this.clock = zeroHlc(init.deviceId)
  }

  /**
   * Loads every device's chain named by a stored head, checks it and applies
   * its ops; resumes this device's seq and clock. Throws INDEX_CHAIN_BROKEN
   * or INDEX_RECORD_TAMPERED when the stored log cannot be trusted.
   */
  async start (): Promise<void> {
    if (this.status !== 'new') throw new CairnError('INTERNAL', 'an index log starts once')
    const loaded = await loadLog(this.stores, this.indexKey, this.macKey, this.deviceId, this.now())
    this.current = loaded.state
    for (const [device, head] of loaded.heads) this.chainHeads.set(device, head)
    for (const cid of loaded.blockCids) this.blockCidSet.add(cid)
    for (const [cid, link] of loaded.links) this.links.set(cid, link)
    this.clock = loaded.clock
    for (const [device, hlc] of loaded.lastHlc) this.lastHlc.set(device, hlc)
    this.status = 'started'
  }

  /** Waits for pending writes, then wipes the key and the state from memory. */
  async stop (): Promise<void> {
    if (this.status === 'stopped') return
    this.status = 'stopped'
    await this.queue.catch(() => {})
    this.indexKey.fill(0)
    this.macKey.fill(0)
    this.current = createState()
    this.chainHeads.clear()
    this.blockCidSet.clear()
    this.links.clear()
    this.lastHlc.clear()
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

  /** Every known head with its MAC, by device: the version vector a sync hello or a backup manifest carries. */
  signedHeads (): Record<string, SignedHead> {
    const out: Record<string, SignedHead> = {}
    for (const [device, head] of this.heads()) out[device] = signHead(this.macKey, device, head)
    return out
  }

  /** `head` of `device`'s chain with its MAC: a head to offer for part of a chain (a sync that sends only its start). */
  signedHead (device: string, head: ChainHead): SignedHead {
    this.assertStarted()
    return signHead(this.macKey, device, head)
  }

  /**
   * The sealed blocks of `device`'s chain from `head` back to (not including)
   * op `afterSeq`, oldest first, each with the seq of its last op: what a
   * peer that knows ops up to `afterSeq` lacks. With `maxBytes`, only the
   * oldest of them that fit in it together (a prefix of the run; the peer
   * takes the rest in a later sync), and only those are read. From this
   * device's store; blocks never change, so no lock. The chain is followed
   * through the links noted when each block was written, merged or loaded
   * (all checked then), not by unsealing every block again: the receiver
   * checks each block anyway (merge-chain.ts).
   */
  async blocksAfter (device: string, head: ChainHead, afterSeq: number, maxBytes = Number.POSITIVE_INFINITY): Promise<Array<{ cid: string, bytes: Uint8Array, seq: number }>> {
    this.assertStarted()
    const run: Array<{ cid: CID, seq: number }> = []
    let cid: ChainHead['cid'] | null = head.cid
    let seqTo = head.seq
    while (cid !== null && seqTo > afterSeq) {
      const block: BlockLink = this.links.get(cid.toString()) ?? await decodeOpBlock(this.indexKey, cid, await this.storedBlock(device, cid), device)
      run.push({ cid, seq: seqTo })
      cid = block.prev === null ? null : CID.parse(block.prev)
      seqTo = block.seqFrom - 1
    }
    const out: Array<{ cid: string, bytes: Uint8Array, seq: number }> = []
    let total = 0
    for (const { cid, seq } of run.reverse()) {
      const bytes = await this.storedBlock(device, cid)
      if (total + bytes.length > maxBytes) break
      total += bytes.length
      out.push({ cid: cid.toString(), bytes, seq })
    }
    return out
  }

  private async storedBlock (device: string, cid: CID): Promise<Uint8Array> {
    const bytes = await readBlock(this.stores.blockstore, cid)
    if (bytes === undefined) throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${device} is missing`)
    return bytes
  }

  /**
   * Merges another device's chain (DESIGN §5): checks `signed` (its MAC, no
   * rollback: see merge-chain.ts for the codes), walks back to the seq known
   * here reading blocks locally first, then through `fetchBlock`, checks
   * every block, stores them, writes the head last, then applies the ops
   * and moves this device's clock past them, so an edit made here after
   * seeing them wins over them, however far ahead their clock ran.
   * The blocks are fetched and checked outside the lock appends take (a slow
   * peer holds up no edit); the run is committed under it, and checked again
   * if the chain moved meanwhile. A refused head changes nothing the user sees
   * (blocks checked before the refusal may stay stored, named by no head).
   * Memory stays within `mergeWindowBytes` of blocks however long the run.
   */
  async merge (device: string, signed: unknown, fetchBlock: FetchBlock): Promise<MergeResult> {
    for (;;) {
      // Fetched and checked outside the lock: a peer that sends slowly (a backup
      // peer's bitswap, a block timeout each) must not hold this device's edits.
      this.assertStarted()
      const known = this.chainHeads.get(device)
      const lastHlc = this.lastHlc.get(device)
      let run: VerifiedRun
      try {
        run = await verifyRemoteRun({
          blockstore: this.stores.blockstore,
          indexKey: this.indexKey,
          macKey: this.macKey,
          device,
          signed,
          fetchBlock,
          now: this.now(),
          ...(this.mergeWindowBytes === undefined ? {} : { windowBytes: this.mergeWindowBytes }),
          ...(known === undefined ? {} : { known }),
          ...(lastHlc === undefined ? {} : { lastHlc })
        })
      } catch (err) {
        // Locked meanwhile: the keys were wiped under the walk, so what it found says nothing.
        this.assertStarted()
        throw err
      }
      const result = await this.exclusive(async () => {
        // Merged further (or, for this device's own chain, appended) meanwhile: check again from there.
        if (this.chainHeads.get(device) !== known) return undefined
        return await this.commitRun(device, known, run)
      })
      if (result !== undefined) return result
    }
  }

  /** Stores a checked run, writes its head, applies its ops (under the lock, the head it was checked against unchanged). */
  private async commitRun (device: string, known: ChainHead | undefined, run: VerifiedRun): Promise<MergeResult> {
    const fromSeq = known?.seq ?? 0
    if (run.cids.length === 0) return { device, fromSeq, toSeq: fromSeq, blocks: 0, changed: [] }
    await storeBlocks(this.stores.blockstore, run.held)
    await writeHead(this.stores.datastore, this.macKey, device, run.head)
    this.chainHeads.set(device, run.head)
    const changed = new Set<string>()
    // One block at a time: a long run was checked in windows and is applied the same way.
    for await (const { cid, block } of runBlocks(run, this.stores.blockstore, this.indexKey, device)) {
      this.blockCidSet.add(cid.toString())
      this.links.set(cid.toString(), { prev: block.prev, seqFrom: block.seqFrom })
      for (const op of block.ops) {
        if (applyOp(this.current, op)) changed.add(op.fileId)
        this.clock = observe(this.clock, op.hlc)
      }
      this.lastHlc.set(device, (block.ops.at(-1) as IndexOp).hlc)
    }
    return { device, fromSeq, toSeq: run.head.seq, blocks: run.cids.length, changed: [...changed].sort() }
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

  /** Content roots still needed: live files, versions and the Trash (history.ts). */
  retainedCids (): Set<string> {
    return retainedCids(this.state)
  }

  /**
   * Runs `job` under the lock that serialises this device's writes, with the
   * current state and an append that does not take the lock again: for
   * actions that decide from the state and write in one step (index-history.ts).
   */
  async transact<T> (job: (tx: IndexTransaction) => Promise<T>): Promise<T> {
    return await this.exclusive(async () => await job({
      // The same object for the whole job: appends update it in place, and
      // stop() replaces it only after waiting for the job.
      state: this.current,
      append: async (ops) => await this.appendNow(ops),
      liveFile: (fileId) => this.liveFile(fileId),
      view: (fileId) => this.view(fileId),
      files: () => listFiles(this.current, this.viewOptions),
      assertPathFree: (path, fileId) => { this.assertPathFree(path, fileId) }
    }))
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
      if (fileId !== undefined && !knowsFile(this.current, fileId)) throw new FileNotFoundError('no such file in the index', { fileId })
      this.assertPathFree(target, id)
      // A new version names the one it replaces, so an edit made elsewhere meanwhile is told apart (conflicts.ts).
      const live = fileId === undefined ? undefined : getFile(this.current, fileId, this.viewOptions)
      const ops: PartialOp[] = []
      // An edit does not place the file (state.ts): one that also renames it says so with a move.
      if (live !== undefined && live.storedPath !== target) ops.push({ kind: 'move', fileId: id, path: target })
      ops.push({ kind: 'put', fileId: id, path: target, entry: canonicalEntry(entry), ...(live === undefined ? {} : { target: { ...live.updated } }) })
      await this.appendNow(ops)
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
      // Naming the puts it removes: an edit made elsewhere meanwhile survives it (state.ts).
      await this.appendNow(deleteOps(this.current, file))
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
    const written = await writeOps(this.stores, this.indexKey, this.macKey, this.deviceId, head, ops)
    this.chainHeads.set(this.deviceId, written.head)
    for (const block of written.blocks) {
      this.blockCidSet.add(block.cid.toString())
      this.links.set(block.cid.toString(), { prev: block.prev, seqFrom: block.seqFrom })
    }
    this.clock = clock
    this.lastHlc.set(this.deviceId, clock)
    for (const op of ops) applyOp(this.current, op)
    for (const listener of this.appendListeners) listener(ops)
    return ops
  }

  /**
   * Calls `listener` after each append made on this device (uploads, renames,
   * moves, deletes, version and Trash ops: every local change goes through
   * here). Not for merges. Returns the function that removes it.
   */
  onAppend (listener: (ops: IndexOp[]) => void): () => void {
    this.appendListeners.add(listener)
    return () => { this.appendListeners.delete(listener) }
  }

  // Reads this.current directly: an append that committed while stop() was
  // waiting for it still reports its result.
  private view (fileId: string): FileView {
    return getFile(this.current, fileId, this.viewOptions) as FileView
  }

  private liveFile (fileId: string): FileView {
    const file = getFile(this.current, fileId, this.viewOptions)
    if (file === undefined) throw new FileNotFoundError('no such file in the index', { fileId })
    return file
  }

  // Local actions refuse to put a file where another live file is shown, or
  // to turn a file into a folder (or the reverse). Concurrent edits from
  // other devices cannot be refused; they become conflict names instead.
  // A concurrent edit's name is not its own (it has no stored path): a file
  // put there takes it, and the edit is shown under the next free one.
  private assertPathFree (path: string, fileId: string): void {
    for (const other of listFiles(this.current, this.viewOptions)) {
      if (other.fileId === fileId) continue
      if (other.path === path && other.versionId === undefined) throw new PathExistsError('another file already has that name', { fileId: other.fileId })
      if (other.path.startsWith(path + '/')) throw new PathExistsError('that name is a folder', { fileId: other.fileId })
      if (path.startsWith(other.path + '/')) throw new PathExistsError('a file is in the way of that folder', { fileId: other.fileId })
    }
  }

  private assertStarted (): void {
    if (this.status !== 'started') throw new VaultLockedError('the index is not open')
  }

  private async exclusive<T> (job: () => Promise<T>): Promise<T> {
    this.assertStarted()
    const run = this.queue.then(job, job)
    this.queue = run.catch(() => {})
    return await run
  }
}
