import { CairnError, type ErrorCode } from '../errors.ts'
import type { RestoreProgress } from '../rpc/api-sync.ts'
import type { FolderSource } from './folder-source.ts'
import { safeDiskPath, takenKey } from './safe-names.ts'
import { codeOf, relativeOf } from './scan-context.ts'
import type { SyncVault } from './vault-port.ts'

/**
 * "Restore a folder": every file of a vault folder written into an empty
 * folder on disk, with its names (safe ones where the disk needs them), tree
 * and mtimes (where the file system lets them be set). Refuses a folder that
 * holds anything but its trash, a link or an empty folder too
 * (FOLDER_NOT_EMPTY), before it writes a byte: a restore never overwrites.
 * `onProgress` hears the totals first, then after each file.
 *
 * A file that cannot be read (its content lost, or not on this device) is
 * named in `failed` and the rest are written: stopping there would leave a
 * part written that a retry refuses, the folder being no longer empty. What
 * stops every write (a full or read-only disk, a dropped share, the vault
 * locked) ends it, with its code.
 */
export async function restoreFolder (source: FolderSource, vault: SyncVault, vaultFolder: string, onProgress?: (progress: RestoreProgress) => void): Promise<RestoreResult> {
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
  const failed: RestoreResult['failed'] = []
  let files = 0
  let bytes = 0
  for (const { file, rel } of todo) {
    const path = safeDiskPath(rel, source.nameRules, taken)
    taken.add(takenKey(path, source.nameRules))
    try {
      const written = await source.write(path, vault.open(file.fileId), file.mtime)
      files++
      bytes += written.size
    } catch (err) {
      const code = codeOf(err)
      if (stopsAll(code)) throw err instanceof CairnError ? err : new CairnError(code, `Restoring stopped at ${path}: ${err instanceof Error ? err.message : String(err)}`)
      failed.push({ path, code })
    }
    // The bar counts a file not written as done too: it has nothing left to do.
    progress.filesDone++
    progress.bytesDone += file.size
    onProgress?.({ ...progress })
  }
  return { files, bytes, failed }
}

/** Failures no other file would escape (a dropped network share included): the restore stops at the first. */
const STOPS_ALL: ReadonlySet<string> = new Set<ErrorCode>(['VAULT_LOCKED', 'FOLDER_DISK_FULL', 'FOLDER_READ_ONLY', 'FOLDER_ACCESS_DENIED', 'FOLDER_SHARE_DISCONNECTED'])
const stopsAll = (code: string): code is ErrorCode => STOPS_ALL.has(code)

export interface RestoreResult {
  files: number
  bytes: number
  /** Files not written, by their path in the folder, with why (their content could not be read). */
  failed: Array<{ path: string, code: string }>
}
