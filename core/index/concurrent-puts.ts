import { encodeHlc } from './hlc.ts'
import type { FileEntry, IndexOp } from './ops.ts'
import type { FileRecord } from './state.ts'

/** The pure part of conflicts.ts, on one file's record (state.ts builds views from it). */

/** One concurrent edit of a file (see conflicts.ts). */
export interface ConcurrentEdit {
  fileId: string
  /** The encoded timestamp of the put: its version id (a prune names it). */
  versionId: string
  entry: FileEntry
  /** When it was made, and by which device: for its conflict name. */
  made: IndexOp['hlc']
  /** The put itself. */
  put: IndexOp
}

/** The concurrent edits of a file whose current content is `current`, oldest first. */
export function editsOfRecord (fileId: string, record: FileRecord, current: IndexOp): ConcurrentEdit[] {
  const named = new Set<string>()
  // A delete that names a put saw it too (a file restored from the Trash has no concurrent edit).
  for (const op of [...record.puts, ...(record.deletes ?? [])]) if (op.target !== undefined) named.add(encodeHlc(op.target))
  const out: ConcurrentEdit[] = []
  for (const put of record.puts) {
    if (put === current || put.target === undefined) continue
    const id = encodeHlc(put.hlc)
    if (named.has(id) || record.pruned.has(id)) continue
    if (record.purged !== undefined && encodeHlc(record.purged) > id) continue
    out.push({ fileId, versionId: id, entry: put.entry as FileEntry, made: put.hlc, put })
  }
  return out
}
