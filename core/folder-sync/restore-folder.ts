import { CairnError } from '../errors.ts'
import type { FolderSource } from './folder-source.ts'
import { safeDiskPath, takenKey } from './safe-names.ts'
import { relativeOf } from './scan-context.ts'
import type { SyncVault } from './vault-port.ts'

/**
 * "Restore a folder": every file of a vault folder written into an empty
 * folder on disk, with its names (safe ones where the disk needs them), tree
 * and mtimes (where the file system lets them be set). Refuses a folder that
 * holds anything (FOLDER_NOT_EMPTY): a restore never overwrites.
 */
export async function restoreFolder (source: FolderSource, vault: SyncVault, vaultFolder: string): Promise<{ files: number, bytes: number }> {
  for await (const entry of source.list()) {
    void entry
    throw new CairnError('FOLDER_NOT_EMPTY', 'The folder to restore into is not empty')
  }
  const taken = new Set<string>()
  let files = 0
  let bytes = 0
  for (const file of vault.list()) {
    if (file.versionId !== undefined) continue
    const rel = relativeOf({ vaultFolder, mode: 'backup', settleMs: 0, deviceLabel: '' }, file.path)
    if (rel === undefined) continue
    const path = safeDiskPath(rel, source.nameRules, taken)
    taken.add(takenKey(path, source.nameRules))
    const written = await source.write(path, vault.open(file.fileId), file.mtime)
    files++
    bytes += written.size
  }
  return { files, bytes }
}
