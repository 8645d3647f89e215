import { compareHlc, encodeHlc, type Hlc } from './hlc.ts'
import { compareOps, type FileEntry, type IndexOp } from './ops.ts'
import type { FileRecord, IndexState } from './state.ts'

/**
 * Versions and the Trash, read from each file's history in the state
 * (state.ts keeps every put, the puts pruned and the latest delete purged).
 * Nothing here is stored apart from the ops, so versions and the Trash come
 * back with the index on a restore, and merge like the rest.
 *
 * - An earlier version of a file is a put other than its current content,
 *   with other content, neither pruned (a prune names that very put) nor
 *   purged (older than the delete a purge names). Most are older than the
 *   content; one newer was ended by a delete while an edit the deleting
 *   device had not seen survived it (state.ts), and stays as a version as it
 *   would have stayed in the Trash. Puts of one root are one
 *   version, named by the newest; pruning it names each of its puts, so a put
 *   of the same content made elsewhere meanwhile (a restore) stays.
 * - A file is in the Trash while its content register is a delete that no
 *   purge names (nor a later delete); what it holds is the put that delete
 *   names (what the deleting device showed), or the last put when it names
 *   none known here.
 */

/** One earlier version of a file. */
export interface VersionView {
  /** The encoded timestamp of the put that stored it: unique within the vault. */
  versionId: string
  /** Every put of this content the version stands for, oldest first (the last is `versionId`'s): a prune names each. */
  puts: Hlc[]
  fileId: string
  entry: FileEntry
  /** When it was stored, and by which device. */
  saved: Hlc
  /** Wall time (ms) of the put that replaced it (or, for the newest put, of the first delete after it): its age counts from here. */
  replacedAt: number
}

/** One deleted file waiting in the Trash. */
export interface TrashView {
  fileId: string
  /** Where it was when it was deleted. */
  path: string
  /** Its last content. */
  entry: FileEntry
  /** When it was deleted, and by which device. */
  deleted: Hlc
}

/** True when a purge named this delete or a later one. */
function purged (record: FileRecord, del: IndexOp): boolean {
  return record.purged !== undefined && compareHlc(del.hlc, record.purged) <= 0
}

function forgotten (record: FileRecord, put: IndexOp): boolean {
  return record.pruned.has(encodeHlc(put.hlc)) || (record.purged !== undefined && compareHlc(put.hlc, record.purged) < 0)
}

/** The put whose content the file shows now: live, or waiting in the Trash; undefined once purged. */
function currentPut (record: FileRecord): IndexOp | undefined {
  const content = record.content
  if (content === undefined) return undefined
  if (content.kind === 'put') return content
  if (purged(record, content)) return undefined
  // The put the delete names may be older than the last: an edit its device had not seen (state.ts), ended since.
  const target = content.target
  const named = target === undefined ? undefined : record.puts.find(put => compareHlc(put.hlc, target) === 0)
  const last = named ?? record.puts.at(-1)
  return last === undefined || forgotten(record, last) ? undefined : last
}

function versionsOfRecord (fileId: string, record: FileRecord): VersionView[] {
  const current = currentPut(record)
  if (current === undefined) return []
  const currentCid = (current.entry as FileEntry).cid
  const byCid = new Map<string, VersionView>()
  record.puts.forEach((put, i) => {
    const entry = put.entry as FileEntry
    if (put === current || entry.cid === currentCid || forgotten(record, put)) return
    // A put newer than the content was ended by a delete after it.
    const next = record.puts[i + 1] ?? record.deletes?.find(del => compareOps(del, put) > 0) ?? put
    // Oldest first, so the newest put of a root is the one that names it.
    const puts = [...(byCid.get(entry.cid)?.puts ?? []), put.hlc]
    byCid.set(entry.cid, { versionId: encodeHlc(put.hlc), puts, fileId, entry, saved: put.hlc, replacedAt: next.hlc.wall })
  })
  return [...byCid.values()].sort((a, b) => b.replacedAt - a.replacedAt || (a.versionId < b.versionId ? 1 : -1))
}

/** A file's earlier versions (live or in the Trash), newest first. */
export function versionsOf (state: IndexState, fileId: string): VersionView[] {
  const record = state.files.get(fileId)
  return record === undefined ? [] : versionsOfRecord(fileId, record)
}

/** What the Trash holds, most recently deleted first. */
export function trashOf (state: IndexState): TrashView[] {
  const out: TrashView[] = []
  for (const [fileId, record] of state.files) {
    const content = record.content
    if (content?.kind !== 'delete') continue
    const last = currentPut(record)
    if (last === undefined) continue
    out.push({ fileId, path: content.path, entry: last.entry as FileEntry, deleted: content.hlc })
  }
  return out.sort((a, b) => b.deleted.wall - a.deleted.wall || (a.fileId < b.fileId ? -1 : 1))
}

/** The Trash item of one file id, if it is in the Trash. */
export function trashedFile (state: IndexState, fileId: string): TrashView | undefined {
  const record = state.files.get(fileId)
  if (record?.content?.kind !== 'delete') return undefined
  const last = currentPut(record)
  return last === undefined ? undefined : { fileId, path: record.content.path, entry: last.entry as FileEntry, deleted: record.content.hlc }
}

/**
 * Every content root the vault still needs: live files, their earlier
 * versions, files in the Trash and theirs. Backup pins exactly these, and
 * local blocks are freed only for roots outside this set.
 */
export function retainedCids (state: IndexState): Set<string> {
  const out = new Set<string>()
  for (const [fileId, record] of state.files) {
    const current = currentPut(record)
    if (current === undefined) continue
    out.add((current.entry as FileEntry).cid)
    for (const version of versionsOfRecord(fileId, record)) out.add(version.entry.cid)
  }
  return out
}
