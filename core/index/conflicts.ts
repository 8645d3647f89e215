import { editsOfRecord, type ConcurrentEdit } from './concurrent-puts.ts'
import type { PartialOp } from './ops.ts'
import { getFile, type FileView, type IndexState } from './state.ts'

export type { ConcurrentEdit }

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

/** The concurrent edits of a live file, oldest first; none when it is not live. */
export function concurrentEdits (state: IndexState, fileId: string): ConcurrentEdit[] {
  const record = state.files.get(fileId)
  const content = record?.content
  if (record === undefined || content?.kind !== 'put' || getFile(state, fileId) === undefined) return []
  return editsOfRecord(fileId, record, content)
}

/**
 * The ops that send a live file to the Trash: a delete naming each
 * concurrent edit shown beside it, then one naming its content. A delete ends only
 * the edits it names (and what they replaced); an edit it does not name was
 * not seen and survives it (state.ts), so every one this device shows is
 * named, or it would come back as the file.
 */
export function deleteOps (state: IndexState, file: FileView): PartialOp[] {
  const del = (target: FileView['updated']): PartialOp => ({ kind: 'delete', fileId: file.fileId, path: file.storedPath, target: { ...target } })
  // The content's last: the latest delete is the Trash item, which holds what it names (history.ts).
  return [...concurrentEdits(state, file.fileId).map(edit => del(edit.made)), del(file.updated)]
}
