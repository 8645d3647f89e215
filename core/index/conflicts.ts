import { encodeHlc } from './hlc.ts'
import type { FileEntry, IndexOp } from './ops.ts'
import { getFile, type FileRecord, type IndexState } from './state.ts'

/**
 * Concurrent edits of one file (DESIGN §4): since format v3 a put names the
 * put it replaced (`target`). A put that names one and that no other put
 * (nor a delete) names in turn was made without seeing the others: besides the file's
 * current content (the latest put, which every device shows under the
 * file's name), each such put is a concurrent edit whose content must not be
 * lost. It stays one until someone resolves it: an edit made after seeing it
 * names only the current content, so resolving is a prune of it ("keep
 * this one"), or a put of its entry (as the file, or as a new file: "keep
 * the other", "keep both") and a prune of it.
 *
 * Only the sets of puts and prunes decide, so every device lists the same
 * edits. Puts written before v3 name nothing and are never listed
 * (last-writer-wins, their content kept as earlier versions).
 */
export interface ConcurrentEdit {
  fileId: string
  /** The encoded timestamp of the put: its version id (a prune names it). */
  versionId: string
  entry: FileEntry
  /** When it was made, and by which device: for its conflict name. */
  made: IndexOp['hlc']
}

function editsOfRecord (fileId: string, record: FileRecord, current: IndexOp): ConcurrentEdit[] {
  const named = new Set<string>()
  // A delete that names a put saw it too (a file restored from the Trash has no concurrent edit).
  for (const op of [...record.puts, ...(record.deletes ?? [])]) if (op.target !== undefined) named.add(encodeHlc(op.target))
  const out: ConcurrentEdit[] = []
  for (const put of record.puts) {
    if (put === current || put.target === undefined) continue
    const id = encodeHlc(put.hlc)
    if (named.has(id) || record.pruned.has(id)) continue
    if (record.purged !== undefined && encodeHlc(record.purged) > id) continue
    out.push({ fileId, versionId: id, entry: put.entry as FileEntry, made: put.hlc })
  }
  return out
}

/** The concurrent edits of a live file, oldest first; none when it is not live. */
export function concurrentEdits (state: IndexState, fileId: string): ConcurrentEdit[] {
  const record = state.files.get(fileId)
  const content = record?.content
  if (record === undefined || content?.kind !== 'put' || getFile(state, fileId) === undefined) return []
  return editsOfRecord(fileId, record, content)
}
