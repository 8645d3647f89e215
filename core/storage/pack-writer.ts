import type { CID } from 'multiformats/cid'
import { StorageFailedError } from '../errors.ts'
import { MAX_BLOCK_LENGTH } from './constants.ts'
import type { PackFile, PackFiles } from './pack-files.ts'
import {
  FILE_HEADER_LENGTH, JOURNAL_MAGIC, PACK_MAGIC, RECORD_DELETE, RECORD_PUT, encodeRecord, fileHeader,
  journalFileName, packFileName
} from './pack-format.ts'
import type { PackHandles } from './pack-handles.ts'
import type { BlockLocation, PackIndex } from './pack-index.ts'
import type { ActivePack } from './pack-recovery.ts'
import { toStorageError } from './storage-errors.ts'

/**
 * The write side of the pack blockstore: appends blocks to the active pack,
 * queues journal records, flushes them in a crash-safe order and rolls over
 * to a new pack when one is full. Not reentrant: the blockstore runs every
 * call inside its one-at-a-time queue.
 */
export class PackWriter {
  private pack: number
  private file: PackFile
  private journal: PackFile
  private journalSize: number
  /** Encoded journal records not yet written to the active journal. */
  private pending: Uint8Array[] = []
  private packDirty = false
  private journalDirty = false

  /** `file` is the active pack's handle, acquired from `handles`; the writer releases it. */
  constructor (
    private readonly files: PackFiles,
    private readonly handles: PackHandles,
    private readonly index: PackIndex,
    private readonly maxPackSize: number,
    active: ActivePack,
    file: PackFile,
    /** Journal bytes per pack the index reflects; the writer keeps the active pack's up to date. */
    private readonly covered: Map<number, number>
  ) {
    this.pack = active.pack
    this.file = file
    this.journal = active.journal
    this.journalSize = active.journalSize
  }

  /** The pack being appended to. */
  get activePack (): number {
    return this.pack
  }

  /** True when a queued put record waits for a flush (a block not yet durable). */
  hasPendingPuts (): boolean {
    return this.pending.some((record) => record[0] === RECORD_PUT)
  }

  /** Appends one block (given as pieces, written without joining them) and queues its put record. */
  async append (id: Uint8Array, cid: CID, pieces: Uint8Array[]): Promise<void> {
    let length = 0
    for (const piece of pieces) length += piece.length
    if (length > MAX_BLOCK_LENGTH) throw new StorageFailedError(`A block of ${length} bytes is too large to store`)

    let end = this.index.usage(this.pack).end
    if (end > FILE_HEADER_LENGTH && end + length > this.maxPackSize) {
      await this.rollover()
      end = FILE_HEADER_LENGTH
    }
    let position = end
    try {
      if (pieces.length > 1 && this.file.writeMany !== undefined) {
        const written = await this.file.writeMany(position, pieces)
        if (written !== length) throw new StorageFailedError(`Short write to ${packFileName(this.pack)}`)
      } else {
        for (const piece of pieces) {
          if (piece.length === 0) continue
          const written = await this.file.write(position, piece)
          position += written
          if (written !== piece.length) throw new StorageFailedError(`Short write to ${packFileName(this.pack)}`)
        }
      }
    } catch (err) {
      // Cut off whatever part landed (a failing write may still have stored
      // some bytes), so the pack ends where its journal says. If even that
      // fails, the next append overwrites the bytes, and recovery cuts them.
      await Promise.resolve(this.file.truncate(end)).catch(() => {})
      throw toStorageError(err, `store a block of ${length} bytes`)
    }
    this.packDirty ||= length > 0
    this.index.set(id, { pack: this.pack, offset: end, length, cid: cid.bytes })
    this.pending.push(encodeRecord({ kind: RECORD_PUT, pack: this.pack, offset: end, length, cid: cid.bytes }))
  }

  /** Queues the tombstone of a block the index just forgot. */
  tombstone (location: BlockLocation): void {
    this.pending.push(encodeRecord({ kind: RECORD_DELETE, pack: location.pack, offset: location.offset, length: location.length, cid: location.cid }))
  }

  /**
   * Makes queued writes durable. The order is what makes crashes safe: the
   * pack is flushed before the journal records naming its new blocks are
   * even written, so a journal record on disk always names bytes on disk.
   * When the journal write fails, the records stay queued for the next flush.
   */
  async flush (): Promise<void> {
    if (this.packDirty) {
      try {
        await this.file.flush()
      } catch (err) {
        throw toStorageError(err, 'flush the pack file')
      }
      this.packDirty = false
    }
    if (this.pending.length > 0) {
      const batch = this.pending
      const records = concat(batch)
      const at = this.journalSize
      try {
        const written = await this.journal.write(at, records)
        if (written !== records.length) throw new StorageFailedError(`Short write to ${journalFileName(this.pack)}`)
      } catch (err) {
        await Promise.resolve(this.journal.truncate(at)).catch(() => {})
        throw toStorageError(err, 'write the block index journal')
      }
      this.journalSize += records.length
      this.covered.set(this.pack, this.journalSize)
      this.pending = this.pending.slice(batch.length)
      this.journalDirty = true
    }
    if (this.journalDirty) {
      try {
        await this.journal.flush()
      } catch (err) {
        throw toStorageError(err, 'flush the block index journal')
      }
      this.journalDirty = false
    }
  }

  /** Closes the active journal and gives the pack handle back (after a final `flush()`). */
  async close (): Promise<void> {
    this.pending = []
    try {
      await this.journal.close()
    } finally {
      await this.handles.release(packFileName(this.pack))
    }
  }

  /** Seals the active pack and starts the next one (compaction calls it to reclaim a mostly dead active pack). */
  async rollover (): Promise<void> {
    await this.flush()
    const pack = this.pack + 1
    const packName = packFileName(pack)
    let file: PackFile | undefined
    let journal: PackFile | undefined
    try {
      file = await this.handles.acquire(packName)
      await startFile(file, PACK_MAGIC)
      journal = await this.files.open(journalFileName(pack))
      await startFile(journal, JOURNAL_MAGIC)
    } catch (err) {
      // Keep appending to the old pack; a half-made next pack is harmless (recovery resets it).
      if (journal !== undefined) await Promise.resolve(journal.close()).catch(() => {})
      if (file !== undefined) {
        await this.handles.release(packName)
        await this.handles.close(packName).catch(() => {})
      }
      throw toStorageError(err, 'start a new pack file')
    }
    const old = { pack: this.pack, journal: this.journal }
    this.index.usage(pack).end = FILE_HEADER_LENGTH
    this.pack = pack
    this.file = file
    this.journal = journal
    this.journalSize = FILE_HEADER_LENGTH
    this.covered.set(pack, FILE_HEADER_LENGTH)
    await Promise.resolve(old.journal.close()).catch(() => {})
    await this.handles.release(packFileName(old.pack))
  }
}

/** Writes the header of a fresh pack or journal file and makes it durable. */
async function startFile (file: PackFile, magic: readonly number[]): Promise<void> {
  await file.truncate(0)
  await file.write(0, fileHeader(magic))
  await file.flush()
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
