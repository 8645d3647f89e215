import { PathExistsError } from '../errors.ts'
import type { IndexLog } from './index-log.ts'
import { canonicalEntry, newFileId, validateEntry, type FileEntry } from './ops.ts'
import { normalizePath } from './paths.ts'
import { PathOccupancy } from './path-occupancy.ts'
import type { FileView } from './state.ts'

/**
 * Adds `entry` as a new file at `wanted` (in NFC), or beside whatever holds
 * that name ("name (2).ext"), never replacing a file nor going into a file's
 * name as a folder. Decided under the index's lock, so a file put there
 * meanwhile (an upload here, a synced device's change) is seen: a file that
 * arrives from someone else changes nothing the vault already holds.
 * Throws PATH_INVALID, and PATH_EXISTS when a file has the name of one of
 * the folders above `wanted`.
 */
export async function putBeside (log: IndexLog, entry: FileEntry, wanted: string): Promise<FileView> {
  validateEntry(entry)
  const path = normalizePath(wanted)
  return await log.transact(async (tx) => {
    const place = new PathOccupancy(tx.files(), { editsTaken: true }).place(path)
    if (place === undefined) throw new PathExistsError('a file is in the way of that folder')
    const fileId = newFileId()
    await tx.append([{ kind: 'put', fileId, path: place, entry: canonicalEntry(entry) }])
    return tx.view(fileId)
  })
}
