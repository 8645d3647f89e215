import { CairnError } from '../errors.ts'
import type { IndexLog } from '../index/index-log.ts'
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
export async function resolveConflict (index: IndexLog, fileId: string, keep: ConflictChoice): Promise<void> {
  await index.transact(async (tx) => {
    const file = tx.liveFile(fileId)
    if (!file.conflict) throw new CairnError('NOT_A_CONFLICT', 'That file is not shown under a conflict name')
    if (keep === 'other') {
      await tx.append([{ kind: 'delete', fileId, path: file.storedPath }])
    } else if (keep === 'both') {
      tx.assertPathFree(file.path, fileId)
      await tx.append([{ kind: 'move', fileId, path: file.path }])
    } else {
      // The holder is shown at the stored path itself; only conflict copies get other names.
      const holder = listFiles(tx.state).find(f => f.fileId !== fileId && f.path === file.storedPath)
      if (holder === undefined) throw new CairnError('NOT_A_CONFLICT', 'No other file holds that name any more')
      await tx.append([{ kind: 'delete', fileId: holder.fileId, path: holder.storedPath }])
    }
  })
}
