import { CairnError } from '../errors.ts'
import { checkStoredData, type StorageCheckComponents } from '../vault/storage-check.ts'
import type { FileDamage, StorageCheckProgress } from '../rpc/api.ts'
import type { HandlerMap } from '../rpc/handlers.ts'

/** Methods served here. */
export type StorageMethods = 'storage.check'

export interface StorageHandlerComponents extends StorageCheckComponents {
  onProgress: (progress: StorageCheckProgress) => void
  /** A check found a file damaged or repaired: the caller records it and tells the tabs. */
  onFileHealth: (damage: FileDamage) => void
}

/** Settings → "Check stored data". One check at a time: a second call while one runs is refused. */
export function createStorageHandlers (c: StorageHandlerComponents): Pick<HandlerMap, StorageMethods> {
  let running = false
  return {
    'storage.check': async () => {
      if (running) throw new CairnError('ABORTED', 'A check of the stored data is already running')
      running = true
      try {
        const { files, ...result } = await checkStoredData(c, c.onProgress)
        for (const file of files) c.onFileHealth({ fileId: file.fileId, path: file.path, state: file.repaired ? 'repaired' : 'damaged', ...(file.where !== undefined ? { where: file.where } : {}) })
        return result
      } finally {
        running = false
      }
    }
  }
}
