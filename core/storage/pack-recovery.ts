import { CID } from 'multiformats/cid'
import { CairnError, StorageFailedError } from '../errors.ts'
import type { PackFile, PackFiles } from './pack-files.ts'
import type { PackHandles } from './pack-handles.ts'
import { PackIndex } from './pack-index.ts'
import { INDEX_SLOTS, loadIndexFile, type SavedIndex } from './pack-index-file.ts'
import { buryResurrected, salvageBlocks } from './pack-salvage.ts'
import {
  FILE_HEADER_LENGTH, JOURNAL_MAGIC, PACK_MAGIC, RECORD_FIXED_LENGTH, RECORD_PUT, checkHeader, decodeRecord,
  fileHeader, isDamagedHeader, journalFileName, packFileName, parseFileName, type JournalRecord
} from './pack-format.ts'

/** What opening the store found and repaired. */
export interface RecoveryReport {
  packs: number
  /** Journal records past a torn point, or hit by damage, that were dropped (their blocks are gone). */
  droppedRecords: number
  /** Damaged journal bytes skipped mid-way (a record lost, the ones after it kept). */
  skippedJournalBytes: number
  /** Bytes cut from the ends of journals (torn records). */
  truncatedJournalBytes: number
  /** Bytes cut from the end of the newest pack (blocks written but never journaled). */
  truncatedPackBytes: number
  /** True when a saved index file was used (only the journals' tails were replayed). */
  savedIndex: boolean
  /** Journal records replayed into the index. */
  replayedRecords: number
  /** Files whose 8-byte header had a changed byte, mended in place (their content was whole). */
  repairedHeaders: string[]
  /**
   * Journals that had lost records the saved index reflects (deleted, emptied, cut short, zeroed):
   * their pack's blocks came from the saved index and were journaled again.
   */
  salvagedJournals: string[]
  /** Blocks of those packs kept (their bytes still hash to their CID); the others count as dropped records. */
  salvagedBlocks: number
}

/** The index recovery built, and what it reflects. */
export interface RecoveredIndex {
  index: PackIndex
  /** Journal bytes per pack that `index` reflects. */
  covered: Map<number, number>
  /** Generation of the saved index used (0 when none was). */
  generation: number
}

/** The pack being appended to after recovery. */
export interface ActivePack {
  pack: number
  /** Open journal of the active pack; the store owns it from here on. */
  journal: PackFile
  journalSize: number
}

/**
 * Opens the index: the saved index file when there is a sound one that fits
 * the packs (only the journal records written after it are replayed),
 * otherwise rebuilt from all the journals. Never trusts the file blindly: a
 * bad checksum, a pack it lists that is gone or shorter than it says, or a
 * journal shorter than it covered all mean a full rebuild, and the index
 * files are removed before it (the rebuilt index is saved anew later).
 */
export async function recoverIndex (files: PackFiles, handles: PackHandles): Promise<{ recovered: RecoveredIndex, active: ActivePack, report: RecoveryReport }> {
  const names = await files.list()
  await refuseForeignLoners(files, names)
  const saved = await loadIndexFile(files, names).catch(() => undefined)
  const lost = saved === undefined ? undefined : await fitsPacks(files, handles, names, saved)
  if (saved !== undefined && lost !== undefined) {
    // Salvage journals records again below where the file says its journal ends: the file must
    // never be read again (the store saves a new one at once).
    if (lost.size > 0) for (const name of INDEX_SLOTS) if (names.includes(name)) await files.remove(name)
    const covered = new Map([...saved.packs].map(([pack, { covered }]) => [pack, covered]))
    const { active, report } = await recoverPacks(files, handles, saved.index, covered, lost)
    return { recovered: { index: saved.index, covered, generation: saved.generation }, active, report: { ...report, savedIndex: true } }
  }
  // A file not used now must never be used later: the rebuild may cut journals and packs, and
  // blocks appended after it would make a stale file fit again, skipping their records.
  for (const name of INDEX_SLOTS) if (names.includes(name)) await files.remove(name)
  const index = new PackIndex()
  const covered = new Map<number, number>()
  const { active, report } = await recoverPacks(files, handles, index, covered)
  return { recovered: { index, covered, generation: saved?.generation ?? 0 }, active, report }
}

/**
 * The packs whose journals lost records the saved index reflects (gone,
 * shorter than it covered, or zeros where the header was), when every pack
 * it lists is still there and at least as long as it says, and no older pack
 * is there that it does not list: compaction forgets a pack before deleting
 * its files, and a crash (or a failed delete) in between leaves files whose
 * records the saved index must not skip. Undefined when it does not fit.
 */
async function fitsPacks (files: PackFiles, handles: PackHandles, names: string[], saved: SavedIndex): Promise<Set<number> | undefined> {
  const newestListed = Math.max(0, ...saved.packs.keys())
  for (const name of names) {
    const parsed = parseFileName(name)
    if (parsed !== undefined && parsed.pack < newestListed && !saved.packs.has(parsed.pack)) return undefined
  }
  const lost = new Set<number>()
  for (const [pack, { end, covered }] of saved.packs) {
    const packName = packFileName(pack)
    if (!names.includes(packName)) return undefined
    const packFile = await handles.acquire(packName)
    try {
      if (await packFile.size() < end) return undefined
    } finally {
      await handles.release(packName)
    }
    if (!names.includes(journalFileName(pack))) {
      lost.add(pack)
      continue
    }
    const journal = await files.open(journalFileName(pack))
    try {
      // Zeros over the header: lost, unless sound records behind them show only the header was hit.
      const header = checkHeader(await journal.read(0, FILE_HEADER_LENGTH), JOURNAL_MAGIC)
      if (await journal.size() < covered || (header === 'empty' && !(await namesBlocksIn(journal, pack, end, 'any')))) lost.add(pack)
    } finally {
      await journal.close()
    }
  }
  return lost
}

/**
 * Brings `index` up to date from the journals, oldest pack first, and repairs torn
 * tails: the first record that is cut short, fails its checksum or points
 * past the end of its pack ends that journal, and the journal is truncated
 * there so that bytes appended later can never make a stale record valid.
 * Bytes at the end of the newest pack that no journal record names are cut.
 */
export async function recoverPacks (files: PackFiles, handles: PackHandles, index: PackIndex, covered: Map<number, number>, lost: ReadonlySet<number> = new Set()): Promise<{ active: ActivePack, report: RecoveryReport }> {
  const numbers = new Set<number>()
  for (const name of await files.list()) {
    const parsed = parseFileName(name)
    if (parsed !== undefined) numbers.add(parsed.pack)
  }
  const packs = [...numbers].sort((a, b) => a - b)
  const report = emptyReport(packs.length)
  if (packs.length === 0) packs.push(1)
  const newest = packs[packs.length - 1] as number

  let active: ActivePack | undefined
  const replay = lost.size > 0 ? new PackIndex() : undefined
  for (const pack of packs) {
    const isNewest = pack === newest
    const packName = packFileName(pack)
    const packFile = await handles.acquire(packName)
    try {
      const packSize = await packFile.size()
      const journal = await files.open(journalFileName(pack))
      try {
        const headerBytes = await packFile.read(0, FILE_HEADER_LENGTH)
        let packHeader = checkHeader(headerBytes, PACK_MAGIC)
        // One changed byte, or zeros, in a pack its journal vouches for is damage: not another
        // format, nor a new pack cut off before its header was whole.
        if (packHeader !== 'ok' && isDamagedHeader(headerBytes, PACK_MAGIC) && await namesBlocksIn(journal, pack, packSize)) {
          await mendHeader(packFile, PACK_MAGIC)
          report.repairedHeaders.push(packName)
          packHeader = 'ok'
        }
        if (packHeader === 'foreign') throw foreign(packName)
        // A pack without a whole header holds no block a record could name.
        const limit = packHeader === 'ok' ? packSize : 0
        let scan: { end: number, size: number }
        if (lost.has(pack)) {
          // What is left of the journal is in the saved index already: cut its torn tail, replay none of it.
          scan = await scanJournal(journal, pack, limit, new PackIndex(), emptyReport(0))
          scan.size = await salvageBlocks(journal, packFile, pack, limit, index, scan.size, report)
          report.salvagedJournals.push(journalFileName(pack))
        } else {
          scan = await scanJournal(journal, pack, limit, index, report, covered.get(pack))
        }
        // What a rebuild from the journals alone would make of them, now that lost records are journaled again.
        if (replay !== undefined) await scanJournal(journal, pack, limit, replay, emptyReport(0), FILE_HEADER_LENGTH, false)
        // A saved index knows the pack's end from before the replayed tail.
        const end = Math.max(index.usage(pack).end, scan.end)
        index.usage(pack).end = end
        covered.set(pack, scan.size)
        if (isNewest) {
          // Unjournaled bytes at the tail were never promised to anyone: reclaim them.
          if (packHeader !== 'ok') {
            await rewriteHeader(packFile, PACK_MAGIC)
          } else if (packSize > end) {
            await packFile.truncate(end)
            await packFile.flush()
            report.truncatedPackBytes += packSize - end
          }
          active = { pack, journal, journalSize: scan.size }
        } else {
          await journal.close()
        }
      } catch (err) {
        await Promise.resolve(journal.close()).catch(() => {})
        throw err
      }
    } finally {
      await handles.release(packName)
    }
  }
  if (active === undefined) throw new CairnError('INTERNAL', 'pack recovery found no active pack')
  if (replay !== undefined) {
    // The lost journals' tombstones live on only in the saved index: journal them again, in the newest journal.
    active.journalSize = await buryResurrected(active.journal, active.journalSize, replay, index)
    covered.set(active.pack, active.journalSize)
  }
  return { active, report }
}

function emptyReport (packs: number): RecoveryReport {
  return { packs, droppedRecords: 0, skippedJournalBytes: 0, truncatedJournalBytes: 0, truncatedPackBytes: 0, savedIndex: false, replayedRecords: 0, repairedHeaders: [], salvagedJournals: [], salvagedBlocks: 0 }
}

/** Applies the valid records of one journal to the index; truncates a torn tail (unless `cut` is false). */
async function scanJournal (journal: PackFile, pack: number, packLimit: number, index: PackIndex, report: RecoveryReport, from = FILE_HEADER_LENGTH, cut = true): Promise<{ end: number, size: number }> {
  const size = await journal.size()
  // Records before `from` are in the saved index already: read only the tail.
  const skip = Math.max(0, Math.min(from, size) - FILE_HEADER_LENGTH)
  const headerBytes = await journal.read(0, FILE_HEADER_LENGTH)
  let header = checkHeader(headerBytes, JOURNAL_MAGIC)
  // One changed byte, or zeros, before sound records of this pack is damage, not another format or a cut-off file.
  if (header !== 'ok' && isDamagedHeader(headerBytes, JOURNAL_MAGIC) && await namesBlocksIn(journal, pack, packLimit, 'any')) {
    await mendHeader(journal, JOURNAL_MAGIC)
    report.repairedHeaders.push(journalFileName(pack))
    header = 'ok'
  }
  if (header === 'foreign') throw foreign(journalFileName(pack))
  if (header === 'empty') {
    await rewriteHeader(journal, JOURNAL_MAGIC)
    return { end: FILE_HEADER_LENGTH, size: FILE_HEADER_LENGTH }
  }

  const base = FILE_HEADER_LENGTH + skip
  const bytes = await journal.read(base, size - base)
  let at = 0
  let end = FILE_HEADER_LENGTH
  for (;;) {
    let decoded = decodeRecord(bytes, at)
    // A whole record (its CRC holds) of another pack is no torn tail: the file was swapped or renamed.
    if (decoded !== undefined && namesOtherPack(decoded.record, pack)) throw misplaced(journalFileName(pack), decoded.record.pack)
    let cid = decoded === undefined ? undefined : soundCid(decoded.record, pack, packLimit)
    if (decoded === undefined || cid === undefined) {
      // Damage mid-way (a flipped bit) costs the record it hit, not every record after it.
      const resumed = resumeAfterDamage(bytes, at + 1, pack, packLimit)
      if (resumed === undefined) break
      report.droppedRecords++
      report.skippedJournalBytes += resumed - at
      at = resumed
      decoded = decodeRecord(bytes, at) as NonNullable<typeof decoded>
      cid = soundCid(decoded.record, pack, packLimit) as CID
    }
    applyRecord(decoded.record, cid, pack, index)
    if (decoded.record.kind === RECORD_PUT) end = Math.max(end, decoded.record.offset + decoded.record.length)
    report.replayedRecords++
    at = decoded.next
  }
  if (at < bytes.length) {
    // Bytes that are no record at all were one (damaged, or torn mid-write).
    if (decodeRecord(bytes, at) === undefined) report.droppedRecords++
    for (let next = decodeRecord(bytes, at); next !== undefined; next = decodeRecord(bytes, next.next)) {
      report.droppedRecords++
    }
    report.truncatedJournalBytes += bytes.length - at
    if (cut) {
      await journal.truncate(base + at)
      await journal.flush()
    }
  }
  return { end, size: base + at }
}

/** The record's CID when the record can be true here; undefined for a torn or damaged one. */
function soundCid (record: JournalRecord, pack: number, packLimit: number): CID | undefined {
  let cid: CID
  try {
    cid = CID.decode(record.cid)
  } catch {
    return undefined
  }
  if (record.kind === RECORD_PUT) {
    if (record.pack !== pack || record.offset < FILE_HEADER_LENGTH || record.offset + record.length > packLimit) return undefined
    return cid
  }
  // Tombstones are written to the journal being appended to, so they name this pack or an older one.
  return record.pack > pack ? undefined : cid
}

/** True for a record no journal of `pack` can hold: a put of another pack, or a tombstone of a newer one. */
function namesOtherPack (record: JournalRecord, pack: number): boolean {
  return record.kind === RECORD_PUT ? record.pack !== pack : record.pack > pack
}

/** Applies one record that soundCid accepted (`cid` is what it gave). */
function applyRecord (record: JournalRecord, cid: CID, pack: number, index: PackIndex): void {
  const key = cid.multihash.bytes
  if (record.kind === RECORD_PUT) {
    index.set(key, { pack, offset: record.offset, length: record.length, cid: record.cid })
    return
  }
  const current = index.get(key)
  if (current !== undefined && current.pack === record.pack && current.offset === record.offset) index.delete(key)
}

/** Where the sound record after `at` ends, or undefined. */
function soundNext (bytes: Uint8Array, at: number, pack: number, packLimit: number): number | undefined {
  const decoded = decodeRecord(bytes, at)
  return decoded === undefined || soundCid(decoded.record, pack, packLimit) === undefined ? undefined : decoded.next
}

/**
 * Where whole records start again after damage, if they do: a position counts
 * when its record holds and is the last or is followed by another that holds,
 * so a CRC-32 agreeing by chance inside the damage is not taken for a record.
 * A torn tail (the last write cut short) holds no whole record and ends the
 * journal as before. The same rule in every journal, so damage skipped once is
 * skipped again at every later rebuild, whatever was appended since.
 */
function resumeAfterDamage (bytes: Uint8Array, from: number, pack: number, packLimit: number): number | undefined {
  for (let at = from; at + RECORD_FIXED_LENGTH <= bytes.length; at++) {
    const next = soundNext(bytes, at, pack, packLimit)
    if (next === undefined) continue
    if (next === bytes.length || soundNext(bytes, next, pack, packLimit) !== undefined) return at
  }
  return undefined
}

/** Records the first journal bytes hold (a few KiB): enough to tell a journal of this pack from another file. */
const PEEK_BYTES = 4096

/**
 * True when the journal's first records include a sound one of this pack
 * (a put within `packLimit` bytes; with 'any', a tombstone too): CRC-checked
 * evidence that the files are Cairn's.
 */
async function namesBlocksIn (journal: PackFile, pack: number, packLimit: number, kinds: 'put' | 'any' = 'put'): Promise<boolean> {
  const bytes = await journal.read(FILE_HEADER_LENGTH, PEEK_BYTES)
  for (let decoded = decodeRecord(bytes, 0); decoded !== undefined; decoded = decodeRecord(bytes, decoded.next)) {
    if ((kinds === 'any' || decoded.record.kind === RECORD_PUT) && soundCid(decoded.record, pack, packLimit) !== undefined) return true
  }
  return false
}

/**
 * Refuses a pack or journal whose partner is missing when it is not Cairn's
 * (a stray file named like ours), before recovery makes an empty partner for
 * it: a refused open leaves the folder as it was. The same test recovery
 * applies: an empty partner vouches for nothing, so only a journal whose
 * damaged header is followed by its own tombstones passes.
 */
async function refuseForeignLoners (files: PackFiles, names: string[]): Promise<void> {
  for (const name of names) {
    const parsed = parseFileName(name)
    if (parsed === undefined) continue
    const isPack = parsed.kind === 'pack'
    if (names.includes(isPack ? journalFileName(parsed.pack) : packFileName(parsed.pack))) continue
    const magic = isPack ? PACK_MAGIC : JOURNAL_MAGIC
    const file = await files.open(name)
    try {
      const header = await file.read(0, FILE_HEADER_LENGTH)
      if (checkHeader(header, magic) !== 'foreign') continue
      if (!isPack && isDamagedHeader(header, magic) && await namesBlocksIn(file, parsed.pack, 0, 'any')) continue
    } finally {
      await file.close()
    }
    throw foreign(name)
  }
}

/** Writes our header over a damaged one, leaving the rest of the file as it is. */
async function mendHeader (file: PackFile, magic: readonly number[]): Promise<void> {
  await file.write(0, fileHeader(magic))
  await file.flush()
}

async function rewriteHeader (file: PackFile, magic: readonly number[]): Promise<void> {
  await file.truncate(0)
  await file.write(0, fileHeader(magic))
  await file.flush()
}

function misplaced (name: string, owner: number): CairnError {
  return new StorageFailedError(`${name} holds the records of ${journalFileName(owner)}: the block store's files were swapped or renamed (name them back to open it)`)
}

function foreign (name: string): CairnError {
  return new StorageFailedError(`${name} is not a Cairn pack file of a version this app can read`)
}
