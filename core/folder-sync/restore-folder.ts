import { CairnError } from '../errors.ts'
import type { RestoreProgress } from '../rpc/api-sync.ts'
import type { FolderSource } from './folder-source.ts'
import { safeDiskPath, takenKey } from './safe-names.ts'
import { relativeOf } from './scan-context.ts'
import type { SyncVault } from './vault-port.ts'

/**
 * "Restore a folder": every file of a vault folder written into an empty
 * folder on disk, with its names (safe ones where the disk needs them), tree
 * and mtimes (where the file system lets them be set). Refuses a folder that
 * holds anything but its trash, a link or an empty folder too
 * (FOLDER_NOT_EMPTY), before it writes a byte: a restore never overwrites.
 * `onProgress` hears the totals first, then after each file.
 */
export async function restoreFolder (source: FolderSource, vault: SyncVault, vaultFolder: string, onProgress?: (progress: RestoreProgress) => void): Promise<{ files: number, bytes: number }> {
  if (!await source.isEmpty()) throw new CairnError('FOLDER_NOT_EMPTY', 'The folder to restore into is not empty')
  const context = { vaultFolder, mode: 'backup' as const, settleMs: 0, deviceLabel: '' }
  const todo = vault.list().flatMap((file) => {
    if (file.versionId !== undefined) return []
    const rel = relativeOf(context, file.path)
    return rel === undefined ? [] : [{ file, rel }]
  })
  const progress: RestoreProgress = { filesDone: 0, filesTotal: todo.length, bytesDone: 0, bytesTotal: todo.reduce((sum, t) => sum + t.file.size, 0) }
  onProgress?.({ ...progress })
  const taken = new Set<string>()
  for (const { file, rel } of todo) {
    const path = safeDiskPath(rel, source.nameRules, taken)
    taken.add(takenKey(path, source.nameRules))
    const written = await source.write(path, vault.open(file.fileId), file.mtime)
    progress.filesDone++
    progress.bytesDone += written.size
    onProgress?.({ ...progress })
  }
  return { files: progress.filesDone, bytes: progress.bytesDone }
}
