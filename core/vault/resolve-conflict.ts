import { CairnError, PathExistsError } from '../errors.ts'
import { concurrentEdits, deleteOps } from '../index/conflicts.ts'
import type { IndexLog, IndexTransaction } from '../index/index-log.ts'
import { canonicalEntry, newFileId } from '../index/ops.ts'
import { listFiles } from '../index/state.ts'

/** What the user keeps of a file shown under a conflict name (Files → "Resolve"). */
export type ConflictChoice = 'this' | 'other' | 'both'

/**
 * Resolves a conflict (DESIGN §4: two files at one path; the later shown as
 * `name (conflict, DEVICE, DATE).ext`), from the side of the conflict copy
 * `fileId`, in one step under the index's lock:
 * - 'this': the file holding the path goes to the Trash, so this one is
 *   shown at the path it was stored at;
 * - 'other': this one goes to the Trash;
 * - 'both': this one is moved to the name it is shown under, so it is an
 *   ordinary file from then on, on every device.
 * Deleted files go to the Trash like any delete (they can be restored).
 * With three or more files at one path, 'this' drops only the holder: the
 * earliest placed of the rest holds the path next, and any other copy stays
 * a conflict to resolve in turn. Throws FILE_NOT_FOUND, NOT_A_CONFLICT.
 */
export async function resolveConflict (index: IndexLog, fileId: string, keep: ConflictChoice, versionId?: string): Promise<void> {
  await index.transact(async (tx) => {
    if (versionId !== undefined) { await resolveEdit(tx, fileId, versionId, keep); return }
    const file = tx.liveFile(fileId)
    if (!file.conflict) throw new CairnError('NOT_A_CONFLICT', 'That file is not shown under a conflict name')
    if (keep === 'other') {
      // Naming the puts deleted lets a concurrent edit on another device win over the delete (v3), as remove() does.
      await tx.append(deleteOps(tx.state, file))
    } else if (keep === 'both') {
      tx.assertPathFree(file.path, fileId)
      await tx.append([{ kind: 'move', fileId, path: file.path }])
    } else {
      // The holder is shown at the stored path itself; only conflict copies get other names.
      const holder = listFiles(tx.state).find(f => f.fileId !== fileId && f.path === file.storedPath)
      if (holder === undefined) throw new CairnError('NOT_A_CONFLICT', 'No other file holds that name any more')
      await tx.append(deleteOps(tx.state, holder))
    }
  })
}

/**
 * Resolves a concurrent edit (core/index/conflicts.ts: two devices changed one
 * file while apart; the edit shows beside the file, same id, under a conflict
 * name), from the side of the edit `versionId`:
 * - 'this': the edit's content becomes the file's (the replaced content stays
 *   an earlier version);
 * - 'other': the edit is dropped (pruned, as an old version would be);
 * - 'both': the edit becomes a file of its own at the name it is shown under.
 * Each ends the edit with a prune, so every device stops showing it.
 */
async function resolveEdit (tx: IndexTransaction, fileId: string, versionId: string, keep: ConflictChoice): Promise<void> {
  const file = tx.liveFile(fileId)
  const edit = concurrentEdits(tx.state, fileId).find(e => e.versionId === versionId)
  if (edit === undefined) throw new CairnError('NOT_A_CONFLICT', 'That edit is no longer in conflict with the file', { fileId })
  const prune = { kind: 'prune' as const, fileId, path: file.storedPath, target: { ...edit.made } }
  if (keep === 'this') {
    await tx.append([{ kind: 'put', fileId, path: file.storedPath, entry: canonicalEntry(edit.entry), target: { ...file.updated } }, prune])
  } else if (keep === 'other') {
    await tx.append([prune])
  } else {
    const shown = listFiles(tx.state).find(f => f.fileId === fileId && f.versionId === versionId)
    if (shown === undefined) throw new CairnError('NOT_A_CONFLICT', 'That edit is no longer shown', { fileId })
    // The edit itself is shown at that name; any other file there would be a clash.
    if (listFiles(tx.state).some(f => f.path === shown.path && f !== shown && f.versionId !== versionId)) throw new PathExistsError('another file already has that name')
    const id = newFileId()
    await tx.append([{ kind: 'put', fileId: id, path: shown.path, entry: canonicalEntry(edit.entry) }, prune])
  }
}
