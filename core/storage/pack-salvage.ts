import { CID } from 'multiformats/cid'
import { StorageFailedError } from '../errors.ts'
import { blockMatchesCid } from './block-check.ts'
import type { PackFile } from './pack-files.ts'
import { RECORD_DELETE, RECORD_PUT, encodeRecord } from './pack-format.ts'
import type { PackIndex } from './pack-index.ts'

/**
 * Salvage after a journal lost records the saved index reflects (deleted by
 * a cleaner, emptied, cut short, zeroed): the saved index is then the only
 * record of that pack's blocks, and of the tombstones the journal held. Both
 * are written to the journals again, so they stay the truth and a later
 * rebuild without the index finds the same blocks.
 */

/** What a salvage kept and dropped. */
export interface SalvageCounts {
  salvagedBlocks: number
  droppedRecords: number
}

/**
 * Keeps the index's blocks of `pack` whose bytes still hash to their CID
 * (content addressing proves them) and journals them again at `size`; drops
 * the others from the index, so they are fetched or stored again. Returns the
 * journal's new size.
 */
export async function salvageBlocks (journal: PackFile, packFile: PackFile, pack: number, packLimit: number, index: PackIndex, size: number, counts: SalvageCounts): Promise<number> {
  const records: Uint8Array[] = []
  for (const location of index.locationsIn(pack)) {
    const cid = CID.decode(location.cid)
    const inPack = location.offset + location.length <= packLimit
    const bytes = inPack ? await packFile.read(location.offset, location.length) : undefined
    if (bytes?.length === location.length && await blockMatchesCid(cid, bytes)) {
      records.push(encodeRecord({ kind: RECORD_PUT, pack, offset: location.offset, length: location.length, cid: location.cid }))
      counts.salvagedBlocks++
    } else {
      index.delete(cid.multihash.bytes)
      counts.droppedRecords++
    }
  }
  return await appendRecords(journal, size, records)
}

/**
 * Tombstones, at `size` of the newest journal, for every block `replay` (the
 * index a rebuild from the journals alone would make) holds where `index`
 * does not: blocks whose tombstones were in a lost journal. Returns the
 * journal's new size.
 */
export async function buryResurrected (journal: PackFile, size: number, replay: PackIndex, index: PackIndex): Promise<number> {
  const records: Uint8Array[] = []
  for (const location of replay.locations()) {
    const now = index.get(CID.decode(location.cid).multihash.bytes)
    if (now?.pack === location.pack && now.offset === location.offset) continue
    records.push(encodeRecord({ kind: RECORD_DELETE, pack: location.pack, offset: location.offset, length: location.length, cid: location.cid }))
  }
  return await appendRecords(journal, size, records)
}

/** Appends and flushes `records`; on failure (a full disk) cuts them off again: the index holds them and is saved next. */
async function appendRecords (journal: PackFile, size: number, records: Uint8Array[]): Promise<number> {
  if (records.length === 0) return size
  const bytes = new Uint8Array(records.reduce((total, record) => total + record.length, 0))
  let at = 0
  for (const record of records) {
    bytes.set(record, at)
    at += record.length
  }
  try {
    if (await journal.write(size, bytes) !== bytes.length) throw new StorageFailedError('short journal write')
    await journal.flush()
    return size + bytes.length
  } catch {
    await Promise.resolve(journal.truncate(size)).catch(() => {})
    return size
  }
}
