import type { AbortOptions } from '@libp2p/interface'
import { BaseBlockstore } from 'blockstore-core/base'
import type { InputPair, Pair } from 'interface-blockstore'
import { NotFoundError } from 'interface-store'
import { CID } from 'multiformats/cid'
import { CairnError, StorageFailedError, isCairnError } from '../errors.ts'
import { DEFAULT_FLUSH_DELAY_MS, DEFAULT_MAX_OPEN_PACKS, DEFAULT_MAX_PACK_SIZE, SAVE_INDEX_MIN_RECORDS } from './constants.ts'
import { PackCompactor } from './pack-compactor.ts'
import type { PackFiles } from './pack-files.ts'
import { packFileName } from './pack-format.ts'
import { PackHandles } from './pack-handles.ts'
import { PackIndex, type BlockLocation, type PackUsage } from './pack-index.ts'
import { encodeIndexFile, writeIndexFile } from './pack-index-file.ts'
import { recoverIndex, type RecoveryReport } from './pack-recovery.ts'
import { PackWriter } from './pack-writer.ts'
import { toStorageError } from './storage-errors.ts'
import { assertBlockMatches, BlockDamagedError, blockMatchesCid } from './block-check.ts'
import { markFresh } from './fresh-bytes.ts'

/** Options for {@link PackBlockstore}. */
export interface PackBlockstoreInit {
  /** A pack rolls over once appending would pass this many bytes. Default 256 MiB. */
  maxPackSize?: number
  /** A lone `put`/`delete` becomes durable at most this many ms later. Default 1000. */
  flushDelayMs?: number
  /** Pack files kept open for reading at once. Default 16. */
  maxOpenPacks?: number
  /**
   * Re-hash every block read against its CID and throw BLOCK_DAMAGED on a
   * mismatch, so damaged bytes never reach a reader (or a peer). Default true.
   */
  verifyReads?: boolean
}

/** One block as {@link PackBlockstore.checkAll} found it. */
export interface BlockCheck {
  cid: CID
  /** Bytes of the block. */
  length: number
  /** False when the block is unreadable or its bytes do not hash to its CID. */
  sound: boolean
}

/** What {@link PackBlockstore} needs from its platform. */
export interface PackBlockstoreComponents {
  files: PackFiles
}

/** Counts from {@link PackBlockstore.stats}. */
export interface PackBlockstoreStats {
  /** Live blocks. */
  blocks: number
  /** Bytes of live blocks. */
  bytes: number
  /** Pack files. */
  packs: number
  /** Bytes used in pack files, dead (deleted, not yet compacted) blocks and headers included. */
  packBytes: number
}

/** Options of {@link PackBlockstore.get} beyond the interface's. */
export interface PackGetOptions extends AbortOptions {
  /**
   * Skip the hash check of this read: only for a reader that authenticates
   * the bytes itself (the STREAM decryptor does, for ciphertext leaves) and
   * checks them another way when that fails.
   */
  skipHashCheck?: boolean
}

/**
 * A Blockstore (interface-blockstore 7) that appends blocks to large pack
 * files and keeps an index CID → (pack, offset, length) in memory, persisted
 * as one append-only journal per pack. Platform-neutral: the files come from
 * an injected {@link PackFiles} (OPFS sync access handles in the browser).
 *
 * Durability: writes are flushed at the end of `putMany`/`deleteMany`, on
 * `flush()`/`stop()`, and at most `flushDelayMs` after a lone `put`/`delete`.
 * A crash loses at most the unflushed writes, never earlier ones, and never
 * leaves the index naming bytes that are not there (see `PackWriter.flush`).
 *
 * Compaction ({@link PackCompactor}): deleted blocks leave dead bytes in
 * their pack until a delete leaves the pack at most half live; then a
 * background pass copies its live blocks to the active pack and deletes the
 * pack's files (a mostly dead active pack rolls over first). A put that finds
 * the store full compacts whatever it can and tries once more before it
 * reports QUOTA_EXCEEDED, so deleting files frees room on a full disk.
 */
export class PackBlockstore extends BaseBlockstore {
  private readonly files: PackFiles
  private readonly maxPackSize: number
  private readonly flushDelayMs: number
  private readonly maxOpenPacks: number
  private readonly verifyReads: boolean
  private index = new PackIndex()
  private handles: PackHandles
  /** Present between start() and stop(). */
  private writer: PackWriter | undefined
  /** Present with the writer. */
  private compactor: PackCompactor | undefined
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  /** Serialises appends, flushes and roll-overs: each sees the previous one finished. */
  private queue: Promise<unknown> = Promise.resolve()
  private starting: Promise<void> | undefined
  private lastRecovery: RecoveryReport | undefined
  /** Journal bytes per pack the in-memory index reflects (saved with it). */
  private covered = new Map<number, number>()
  /** Generation of the last index file saved or loaded. */
  private generation = 0
  /** Journal records since the index file was last saved (replayed ones included). */
  private unsaved = 0

  constructor (components: PackBlockstoreComponents, init: PackBlockstoreInit = {}) {
    super()
    this.files = components.files
    this.maxPackSize = init.maxPackSize ?? DEFAULT_MAX_PACK_SIZE
    this.flushDelayMs = init.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS
    this.maxOpenPacks = Math.max(1, init.maxOpenPacks ?? DEFAULT_MAX_OPEN_PACKS)
    this.verifyReads = init.verifyReads ?? true
    this.handles = new PackHandles(this.files, this.maxOpenPacks)
  }

  /** Opens the files and rebuilds the index from the journals, repairing torn tails. */
  async start (): Promise<void> {
    if (this.writer !== undefined) return
    this.starting ??= this.open().finally(() => { this.starting = undefined })
    await this.starting
  }

  /** Flushes pending writes and closes every file. */
  async stop (): Promise<void> {
    const writer = this.writer
    if (writer === undefined) return
    // A compaction pass ends after the block it is copying; the rest waits for the next start.
    await this.compactor?.stop()
    let failure: unknown
    try {
      await this.exclusive(async () => {
        await writer.flush()
        if (this.unsaved > 0) await this.saveIndex()
      })
    } catch (err) {
      failure = err
    }
    this.clearFlushTimer()
    this.writer = undefined
    this.compactor = undefined
    await writer.close().catch((err: unknown) => { failure ??= err })
    await this.handles.closeAll().catch((err: unknown) => { failure ??= err })
    if (failure !== undefined) throw toStorageError(failure, 'close the block store')
  }

  /** True between `start()` and `stop()`. */
  isStarted (): boolean {
    return this.writer !== undefined
  }

  /** What the last `start()` found and repaired. */
  get recovery (): RecoveryReport | undefined {
    return this.lastRecovery
  }

  /** Makes every write so far durable. */
  async flush (): Promise<void> {
    const writer = this.requireWriter()
    await this.exclusive(async () => {
      await writer.flush()
      if (this.unsaved >= saveThreshold(this.index.size)) await this.saveIndex()
    })
  }

  /** Bytes the in-memory index takes (its arrays' capacity). */
  indexBytes (): number {
    return this.index.memoryBytes()
  }

  /** Live blocks and bytes, and the space the packs take. */
  stats (): PackBlockstoreStats {
    let packBytes = 0
    for (const usage of this.index.packUsage().values()) packBytes += usage.end
    return { blocks: this.index.size, bytes: this.index.bytes, packs: this.index.packUsage().size, packBytes }
  }

  /** Live blocks and bytes per pack (input for compaction). */
  packUsage (): ReadonlyMap<number, PackUsage> {
    return this.index.packUsage()
  }

  /**
   * Reclaims the space of deleted blocks now: every pack at most half live,
   * one at a time. Resolves true when a pack file was removed.
   */
  async compact (): Promise<boolean> {
    this.assertStarted()
    return await (this.compactor as PackCompactor).run()
  }

  /** Resolves once the compaction that deletes start in the background (or put off for a moment) has finished. */
  async compacted (): Promise<void> {
    await this.compactor?.idle()
  }

  override has (key: CID, options?: AbortOptions): boolean {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    return this.index.has(key.multihash.bytes)
  }

  override async put (key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    const id = key.multihash.bytes
    // Dedup: a block already present is not read, written or journaled again.
    if (this.index.has(id)) return key
    const pieces = await collectPieces(val)
    options?.signal?.throwIfAborted()
    const append = async (): Promise<void> => {
      const writer = this.requireWriter()
      await this.exclusive(async () => {
        // A concurrent put of the same block may have landed while this one waited.
        if (!this.index.has(id)) {
          await writer.append(id, key, pieces)
          this.unsaved++
        }
      })
    }
    const removedBefore = this.compactor?.removedPacks ?? 0
    try {
      await append()
    } catch (err) {
      // Full: deleted blocks may hold the room this one needs. Reclaim it and try
      // once more if a pack was removed meanwhile (by this pass or one already running).
      if (!isCairnError(err, 'QUOTA_EXCEEDED') || this.compactor === undefined) throw err
      await this.compactor.run()
      if (this.compactor?.removedPacks === removedBefore) throw err
      await append()
    }
    this.scheduleFlush()
    return key
  }

  override async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    let done = false
    try {
      for await (const { cid, bytes } of source) {
        yield await this.put(cid, bytes, options)
      }
      done = true
    } finally {
      // On failure, keep the first error and still make the earlier blocks durable if possible.
      if (done) await this.flush()
      else await this.flush().catch(() => {})
    }
  }

  override async * get (key: CID, options?: PackGetOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    const location = this.index.get(key.multihash.bytes)
    if (location === undefined) throw new NotFoundError(`Block ${key.toString()} is not in the store`)
    yield options?.skipHashCheck === true ? await this.read(location, key) : await this.readChecked(location, key)
  }

  /**
   * Replaces a damaged block with a good copy: the pack store is append-only,
   * so the copy is appended and the index points at it (the old bytes become
   * dead space). Refuses bytes that do not hash to `key`. Durable on return.
   */
  async replace (key: CID, bytes: Uint8Array, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    await assertBlockMatches(key, bytes)
    const writer = this.requireWriter()
    await this.exclusive(async () => {
      await writer.append(key.multihash.bytes, key, [bytes])
      this.unsaved++
      await writer.flush()
    })
  }

  /**
   * Reads and re-hashes every live block, one at a time (`restic check
   * --read-data`); `stats()` gives the counts to expect.
   */
  async * checkAll (options?: AbortOptions): AsyncGenerator<BlockCheck> {
    this.assertStarted()
    for (const location of this.index.locations()) {
      options?.signal?.throwIfAborted()
      const cid = CID.decode(location.cid)
      let sound: boolean
      try {
        sound = await blockMatchesCid(cid, await this.read(location, cid))
      } catch {
        sound = false
      }
      yield { cid, length: location.length, sound }
    }
  }

  override async delete (key: CID, options?: AbortOptions): Promise<void> {
    const pack = await this.deleteOne(key, options)
    if (pack !== undefined) this.compactor?.afterDelete([pack], this.flushDelayMs)
  }

  override async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    let done = false
    // Compaction waits for the end of the batch, so it does not copy blocks the batch deletes next.
    const packs = new Set<number>()
    try {
      for await (const cid of source) {
        const pack = await this.deleteOne(cid, options)
        if (pack !== undefined) packs.add(pack)
        yield cid
      }
      done = true
    } finally {
      if (done) await this.flush()
      else await this.flush().catch(() => {})
      this.compactor?.afterDelete(packs)
    }
  }

  /** Forgets a block and queues its tombstone; returns the pack it was in. */
  private async deleteOne (key: CID, options?: AbortOptions): Promise<number | undefined> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    const id = key.multihash.bytes
    if (!this.index.has(id)) return undefined
    const writer = this.requireWriter()
    const pack = await this.exclusive(async () => {
      const location = this.index.delete(id)
      if (location === undefined) return undefined
      writer.tombstone(location)
      this.unsaved++
      return location.pack
    })
    this.scheduleFlush()
    return pack
  }

  override async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    this.assertStarted()
    for (const location of this.index.locations()) {
      options?.signal?.throwIfAborted()
      const cid = CID.decode(location.cid)
      yield { cid, bytes: this.readPieces(location, cid) }
    }
  }

  private async * readPieces (location: BlockLocation, cid: CID): AsyncGenerator<Uint8Array> {
    yield await this.readChecked(location, cid)
  }

  private async readChecked (location: BlockLocation, cid: CID): Promise<Uint8Array> {
    const bytes = await this.read(location, cid)
    if (this.verifyReads) await assertBlockMatches(cid, bytes)
    return bytes
  }

  /** One read call per block; a short read means the pack lost bytes it once had (BLOCK_DAMAGED). */
  private async read (found: BlockLocation, cid: CID): Promise<Uint8Array> {
    let location = found
    if (!this.index.hasPack(location.pack)) {
      // Compaction moved the block and removed its pack since `found` was looked up
      // (getAll, checkAll): read it where it is now. No await until the acquire below,
      // so the pack cannot be removed under this read.
      const current = this.index.get(cid.multihash.bytes)
      if (current === undefined) throw new NotFoundError(`Block ${cid.toString()} is not in the store`)
      location = current
    }
    const name = packFileName(location.pack)
    let bytes: Uint8Array
    try {
      const file = await this.handles.acquire(name)
      try {
        bytes = await file.read(location.offset, location.length)
      } finally {
        await this.handles.release(name)
      }
    } catch (err) {
      throw toStorageError(err, `read block ${cid.toString()}`)
    }
    if (bytes.length !== location.length) {
      // Damage like a changed byte: the same error, so the block is fetched again and its file named.
      throw new BlockDamagedError(cid, `Block ${cid.toString()} is damaged: ${name} ends ${location.length - bytes.length} bytes short of it`)
    }
    // Read for this caller alone: a decrypting worker may take the buffer without a copy.
    markFresh(bytes)
    return bytes
  }

  private async open (): Promise<void> {
    this.handles = new PackHandles(this.files, this.maxOpenPacks)
    try {
      const { recovered, active, report } = await recoverIndex(this.files, this.handles)
      this.index = recovered.index
      this.covered = recovered.covered
      this.generation = recovered.generation
      this.unsaved = report.replayedRecords + report.salvagedBlocks
      // Held acquired until roll-over or stop, so the handle cache never closes it.
      const file = await this.handles.acquire(packFileName(active.pack))
      this.writer = new PackWriter(this.files, this.handles, this.index, this.maxPackSize, active, file, this.covered)
      this.compactor = new PackCompactor({
        files: this.files,
        handles: this.handles,
        index: this.index,
        writer: this.writer,
        covered: this.covered,
        exclusive: async (fn) => await this.exclusive(fn),
        read: async (location, cid) => await this.read(location, cid),
        recorded: () => { this.unsaved++ },
        saveIndex: async () => { await this.saveIndex() }
      })
      this.lastRecovery = report
    } catch (err) {
      await this.handles.closeAll().catch(() => {})
      throw toStorageError(err, 'open the block store')
    }
    // A long replay (no saved index, or a crash long after the last save): save now, so the next start is quick.
    // After a salvage at once: its index files are gone, and only the index still holds the tombstones the lost journal had.
    const salvaged = this.lastRecovery?.salvagedJournals.length ?? 0
    if (salvaged > 0 || this.unsaved >= saveThreshold(this.index.size)) await this.exclusive(async () => { await this.saveIndex() })
  }

  /**
   * Saves the index file; runs in the queue right after a flush, so the
   * index reflects exactly the journals' durable records. A failure is not
   * the caller's: the journals hold everything, the next start replays more.
   */
  private async saveIndex (): Promise<void> {
    const generation = this.generation + 1
    try {
      const bytes = await encodeIndexFile(this.index, this.covered, generation)
      if (bytes === undefined) return
      await writeIndexFile(this.files, generation, bytes)
      this.generation = generation
      this.unsaved = 0
    } catch {
      // Keep `unsaved`: the next flush past the threshold, or stop(), tries again.
    }
  }

  private scheduleFlush (): void {
    if (this.flushTimer !== undefined || this.writer === undefined) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined
      // Nobody awaits a timed flush; its records stay pending and the next
      // explicit flush() or stop() retries and reports the error.
      this.flush().catch(() => {})
    }, this.flushDelayMs)
    // Node: a pending flush must not keep the process alive (stop() flushes anyway).
    ;(this.flushTimer as { unref?: () => void }).unref?.()
  }

  private clearFlushTimer (): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
  }

  private exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn)
    this.queue = result.catch(() => {})
    return result
  }

  private requireWriter (): PackWriter {
    if (this.writer === undefined) throw notStarted()
    return this.writer
  }

  private assertStarted (): void {
    this.requireWriter()
  }
}

/** Save the index once this many records are newer than it: a quarter of its size, at least 64 Ki. */
function saveThreshold (size: number): number {
  return Math.max(SAVE_INDEX_MIN_RECORDS, Math.floor(size / 4))
}

function notStarted (): CairnError {
  return new StorageFailedError('The block store is not open (call start() first)')
}

/** The pieces of a block, without copying them. */
async function collectPieces (val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  if (val instanceof Uint8Array) return [val]
  const pieces: Uint8Array[] = []
  if (Symbol.iterator in val) {
    for (const piece of val) pieces.push(piece)
  } else {
    for await (const piece of val) pieces.push(piece)
  }
  return pieces
}
