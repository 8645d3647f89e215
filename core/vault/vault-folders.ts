import { PathExistsError } from '../errors.ts'
import { deleteOps } from '../index/conflicts.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { PartialOp } from '../index/ops.ts'
import { normalizePath } from '../index/paths.ts'
import { isUnder, type PlannedMove } from './folder-records.ts'

/**
 * Folder work on the index, each in one append (one sealed block, one
 * `files.changed` for other devices): moving or renaming a folder moves
 * every file under it, deleting one sends them all to the Trash.
 */

/** Throws PATH_EXISTS when a file, or a folder with files, is at `path` already. Returns the normalised path. */
export function assertFolderFree (index: IndexLog, path: string): string {
  const target = normalizePath(path)
  for (const file of index.listFiles()) {
    if (file.path === target || isUnder(file.path, target) || isUnder(target, file.path)) {
      throw new PathExistsError('another file or folder already has that name', { fileId: file.fileId })
    }
  }
  return target
}

/** Moves files to new paths in one append. Throws FILE_NOT_FOUND, PATH_INVALID, PATH_EXISTS (nothing moves then). */
export async function moveFiles (index: IndexLog, moves: readonly PlannedMove[]): Promise<void> {
  await index.transact(async (tx) => {
    const ops: PartialOp[] = []
    for (const move of moves) {
      const file = tx.liveFile(move.fileId)
      const path = normalizePath(move.path)
      if (file.path === path && !file.conflict) continue
      // Other files of the batch still sit at their old paths here: that is checked too (a rare, safe refusal).
      tx.assertPathFree(path, move.fileId)
      ops.push({ kind: 'move', fileId: move.fileId, path })
    }
    await tx.append(ops)
  })
}

/** Sends files to the Trash in one append. Throws FILE_NOT_FOUND (nothing is deleted then). */
export async function removeFiles (index: IndexLog, fileIds: readonly string[]): Promise<void> {
  await index.transact(async (tx) => {
    const ops: PartialOp[] = []
    for (const fileId of new Set(fileIds)) {
      const file = tx.liveFile(fileId)
      // Naming the puts it removes, as IndexLog.remove does: an edit made elsewhere meanwhile survives.
      ops.push(...deleteOps(tx.state, file))
    }
    await tx.append(ops)
  })
}
