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

/**
 * Encoded timestamps of the puts some op has answered: named by a put (an
 * edit made after it) or by a delete (a delete that names a put saw it, so a
 * file restored from the Trash has no concurrent edit), or forgotten by a
 * prune. An edit (a put with a target) not among these is open: nobody has
 * answered it yet. state.ts lets only a delete naming an open edit end it.
 */
export function answeredPuts (record: FileRecord): Set<string> {
  const answered = new Set(record.pruned)
  for (const op of record.puts) if (op.target !== undefined) answered.add(encodeHlc(op.target))
  for (const op of record.deletes ?? []) if (op.target !== undefined) answered.add(encodeHlc(op.target))
  return answered
}

/** The concurrent edits of a file whose current content is `current`, oldest first. */
export function editsOfRecord (fileId: string, record: FileRecord, current: IndexOp): ConcurrentEdit[] {
  const answered = answeredPuts(record)
  const out: ConcurrentEdit[] = []
  for (const put of record.puts) {
    if (put === current || put.target === undefined) continue
    const id = encodeHlc(put.hlc)
    if (answered.has(id)) continue
    if (record.purged !== undefined && encodeHlc(record.purged) > id) continue
    out.push({ fileId, versionId: id, entry: put.entry as FileEntry, made: put.hlc, put })
  }
  return out
}
