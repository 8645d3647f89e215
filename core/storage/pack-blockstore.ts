import { BaseBlockstore } from 'blockstore-core/base'
import type { InputPair, Pair } from 'interface-blockstore'
import { NotFoundError } from 'interface-store'
import { CID } from 'multiformats/cid'
import { CairnError } from '../errors.ts'
import { DEFAULT_FLUSH_DELAY_MS, DEFAULT_MAX_OPEN_PACKS, DEFAULT_MAX_PACK_SIZE, MAX_BLOCK_LENGTH } from './constants.ts'
import type { PackFile, PackFiles } from './pack-files.ts'
import {
  FILE_HEADER_LENGTH, JOURNAL_MAGIC, PACK_MAGIC, RECORD_DELETE, RECORD_PUT, encodeRecord, fileHeader,
  journalFileName, packFileName
} from './pack-format.ts'
import { PackHandles } from './pack-handles.ts'
import { blockKey, PackIndex, type BlockLocation } from './pack-index.ts'
import { recoverPacks, type RecoveryReport } from './pack-recovery.ts'
import { toStorageError } from './storage-errors.ts'

/** Options for {@link PackBlockstore}. */
export interface PackBlockstoreInit {
  /** A pack rolls over once appending would pass this many bytes. Default 256 MiB. */
  maxPackSize?: number
  /** A lone `put`/`delete` becomes durable at most this many ms later. Default 1000. */
  flushDelayMs?: number
  /** Pack files kept open for reading at once. Default 16. */
  maxOpenPacks?: number
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

interface AbortOptions { signal?: AbortSignal }

interface ActiveState {
  pack: number
  file: PackFile
  journal: PackFile
  journalSize: number
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
 * leaves the index naming bytes that are not there (see `flushLocked`).
 *
 * Compaction (TODO): blocks deleted leave dead bytes in their pack;
 * `packUsage()` tracks live bytes per sealed pack. The plan: pick a sealed pack
 * whose live bytes fell below half, copy its live blocks to the active pack
 * through the normal append path (new put records), flush, then write one
 * tombstone per moved copy and flush again, and only then remove the old
 * pack and journal files. A crash before the removal leaves both copies, and
 * recovery keeps whichever record came last (the new one); a crash after it
 * leaves tombstones naming a pack that no longer exists, which recovery
 * ignores. Pack numbers are never reused, so such tombstones stay harmless.
 */
export class PackBlockstore extends BaseBlockstore {
  private readonly files: PackFiles
  private readonly maxPackSize: number
  private readonly flushDelayMs: number
  private readonly maxOpenPacks: number
  private index = new PackIndex()
  private handles: PackHandles
  private active: ActiveState | undefined
  /** Encoded journal records not yet written to the active journal. */
  private pending: Uint8Array[] = []
  private packDirty = false
  private journalDirty = false
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  /** Serialises appends, flushes and roll-overs: each sees the previous one finished. */
  private queue: Promise<unknown> = Promise.resolve()
  private starting: Promise<void> | undefined
  private lastRecovery: RecoveryReport | undefined

  constructor (components: PackBlockstoreComponents, init: PackBlockstoreInit = {}) {
    super()
    this.files = components.files
    this.maxPackSize = init.maxPackSize ?? DEFAULT_MAX_PACK_SIZE
    this.flushDelayMs = init.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS
    this.maxOpenPacks = Math.max(1, init.maxOpenPacks ?? DEFAULT_MAX_OPEN_PACKS)
    this.handles = new PackHandles(this.files, this.maxOpenPacks)
  }

  /** Opens the files and rebuilds the index from the journals, repairing torn tails. */
  async start (): Promise<void> {
    if (this.active !== undefined) return
    this.starting ??= this.open().finally(() => { this.starting = undefined })
    await this.starting
  }

  /** Flushes pending writes and closes every file. */
  async stop (): Promise<void> {
    if (this.active === undefined) return
    const active = this.active
    let failure: unknown
    try {
      await this.exclusive(async () => { await this.flushLocked() })
    } catch (err) {
      failure = err
    }
    this.clearFlushTimer()
    this.active = undefined
    this.pending = []
    await Promise.resolve(active.journal.close()).catch((err: unknown) => { failure ??= err })
    await this.handles.closeAll().catch((err: unknown) => { failure ??= err })
    if (failure !== undefined) throw toStorageError(failure, 'close the block store')
  }

  /** True between `start()` and `stop()`. */
  isStarted (): boolean {
    return this.active !== undefined
  }

  /** What the last `start()` found and repaired. */
  get recovery (): RecoveryReport | undefined {
    return this.lastRecovery
  }

  /** Makes every write so far durable. */
  async flush (): Promise<void> {
    this.assertStarted()
    await this.exclusive(async () => { await this.flushLocked() })
  }

  /** Live blocks and bytes, and the space the packs take. */
  stats (): PackBlockstoreStats {
    let packBytes = 0
    for (const usage of this.index.packUsage().values()) packBytes += usage.end
    return { blocks: this.index.size, bytes: this.index.bytes, packs: this.index.packUsage().size, packBytes }
  }

  /** Live blocks and bytes per pack (input for compaction). */
  packUsage (): ReadonlyMap<number, { end: number, liveBlocks: number, liveBytes: number }> {
    return this.index.packUsage()
  }

  override has (key: CID, options?: AbortOptions): boolean {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    return this.index.has(blockKey(key.multihash.bytes))
  }

  override async put (key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    const id = blockKey(key.multihash.bytes)
    // Dedup: a block already present is not read, written or journaled again.
    if (this.index.has(id)) return key
    const pieces = await collectPieces(val)
    options?.signal?.throwIfAborted()
    await this.exclusive(async () => { await this.append(id, key, pieces) })
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

  override async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    const location = this.index.get(blockKey(key.multihash.bytes))
    if (location === undefined) throw new NotFoundError(`Block ${key.toString()} is not in the store`)
    yield await this.read(location, key)
  }

  override async delete (key: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.assertStarted()
    const id = blockKey(key.multihash.bytes)
    if (!this.index.has(id)) return
    await this.exclusive(async () => {
      const location = this.index.delete(id)
      if (location === undefined) return
      this.pending.push(encodeRecord({ kind: RECORD_DELETE, pack: location.pack, offset: location.offset, length: location.length, cid: location.cid }))
    })
    this.scheduleFlush()
  }

  override async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    let done = false
    try {
      for await (const cid of source) {
        await this.delete(cid, options)
        yield cid
      }
      done = true
    } finally {
      if (done) await this.flush()
      else await this.flush().catch(() => {})
    }
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
    yield await this.read(location, cid)
  }

  /** One read call per block; a short read means the pack lost bytes it once had. */
  private async read (location: BlockLocation, cid: CID): Promise<Uint8Array> {
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
      throw new CairnError('STORAGE_FAILED', `Block ${cid.toString()} is damaged: ${name} ends ${location.length - bytes.length} bytes short of it`)
    }
    return bytes
  }

  private async open (): Promise<void> {
    this.index = new PackIndex()
    this.handles = new PackHandles(this.files, this.maxOpenPacks)
    this.pending = []
    this.packDirty = false
    this.journalDirty = false
    try {
      const { active, report } = await recoverPacks(this.files, this.handles, this.index)
      // Held acquired until roll-over or stop, so the handle cache never closes it.
      const file = await this.handles.acquire(packFileName(active.pack))
      this.active = { pack: active.pack, file, journal: active.journal, journalSize: active.journalSize }
      this.lastRecovery = report
    } catch (err) {
      await this.handles.closeAll().catch(() => {})
      throw toStorageError(err, 'open the block store')
    }
  }

  /** Appends one block to the active pack. Runs inside `exclusive`. */
  private async append (id: string, cid: CID, pieces: Uint8Array[]): Promise<void> {
    // A concurrent put of the same block may have landed while this one waited.
    if (this.index.has(id)) return
    let length = 0
    for (const piece of pieces) length += piece.length
    if (length > MAX_BLOCK_LENGTH) throw new CairnError('STORAGE_FAILED', `A block of ${length} bytes is too large to store`)

    let end = this.index.usage(this.requireActive().pack).end
    if (end > FILE_HEADER_LENGTH && end + length > this.maxPackSize) {
      await this.rollover()
      end = FILE_HEADER_LENGTH
    }
    const active = this.requireActive()
    let position = end
    try {
      for (const piece of pieces) {
        if (piece.length === 0) continue
        const written = await active.file.write(position, piece)
        position += written
        if (written !== piece.length) throw new CairnError('STORAGE_FAILED', `Short write to ${packFileName(active.pack)}`)
      }
    } catch (err) {
      // Cut off whatever part landed (a failing write may still have stored
      // some bytes), so the pack ends where its journal says. If even that
      // fails, the next append overwrites the bytes, and recovery cuts them.
      await Promise.resolve(active.file.truncate(end)).catch(() => {})
      throw toStorageError(err, `store a block of ${length} bytes`)
    }
    this.packDirty = length > 0 || this.packDirty
    this.index.set(id, { pack: active.pack, offset: end, length, cid: cid.bytes })
    this.pending.push(encodeRecord({ kind: RECORD_PUT, pack: active.pack, offset: end, length, cid: cid.bytes }))
  }

  /**
   * Makes pending writes durable. The order is what makes crashes safe: the
   * pack is flushed before the journal records naming its new blocks are
   * even written, so a journal record on disk always names bytes on disk.
   * Runs inside `exclusive`.
   */
  private async flushLocked (): Promise<void> {
    this.clearFlushTimer()
    const active = this.active
    if (active === undefined) return
    if (this.packDirty) {
      try {
        await active.file.flush()
      } catch (err) {
        throw toStorageError(err, 'flush the pack file')
      }
      this.packDirty = false
    }
    if (this.pending.length > 0) {
      const batch = this.pending
      const records = concat(batch)
      const at = active.journalSize
      try {
        const written = await active.journal.write(at, records)
        if (written !== records.length) throw new CairnError('STORAGE_FAILED', `Short write to ${journalFileName(active.pack)}`)
      } catch (err) {
        // Keep the records pending (a later flush retries) and the journal whole.
        await Promise.resolve(active.journal.truncate(at)).catch(() => {})
        throw toStorageError(err, 'write the block index journal')
      }
      active.journalSize += records.length
      this.pending = this.pending.slice(batch.length)
      this.journalDirty = true
    }
    if (this.journalDirty) {
      try {
        await active.journal.flush()
      } catch (err) {
        throw toStorageError(err, 'flush the block index journal')
      }
      this.journalDirty = false
    }
  }

  /** Seals the active pack and starts the next one. Runs inside `exclusive`. */
  private async rollover (): Promise<void> {
    await this.flushLocked()
    const old = this.requireActive()
    const pack = old.pack + 1
    const packName = packFileName(pack)
    let file: PackFile | undefined
    let journal: PackFile | undefined
    try {
      file = await this.handles.acquire(packName)
      await startFile(file, PACK_MAGIC)
      journal = await this.files.open(journalFileName(pack))
      await startFile(journal, JOURNAL_MAGIC)
    } catch (err) {
      // Leave the old pack active; a half-made next pack is harmless (recovery resets it).
      if (journal !== undefined) await Promise.resolve(journal.close()).catch(() => {})
      if (file !== undefined) {
        await this.handles.release(packName)
        await this.handles.close(packName).catch(() => {})
      }
      throw toStorageError(err, 'start a new pack file')
    }
    this.index.usage(pack).end = FILE_HEADER_LENGTH
    this.active = { pack, file, journal, journalSize: FILE_HEADER_LENGTH }
    await Promise.resolve(old.journal.close()).catch(() => {})
    await this.handles.release(packFileName(old.pack))
  }

  private scheduleFlush (): void {
    if (this.flushTimer !== undefined || this.active === undefined) return
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

  private requireActive (): ActiveState {
    if (this.active === undefined) throw notStarted()
    return this.active
  }

  private assertStarted (): void {
    if (this.active === undefined) throw notStarted()
  }
}

function notStarted (): CairnError {
  return new CairnError('STORAGE_FAILED', 'The block store is not open (call start() first)')
}

/** Writes the header of a fresh pack or journal file and makes it durable. */
async function startFile (file: PackFile, magic: readonly number[]): Promise<void> {
  await file.truncate(0)
  await file.write(0, fileHeader(magic))
  await file.flush()
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

function concat (parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
