import type { HandlerMap } from '../rpc/handlers.ts'
import type { VaultService } from '../vault/vault-service.ts'

/** Methods served here: folders (make, list, rename) and moving or deleting many files at once. */
export type FolderMethods = 'folders.list' | 'folders.create' | 'folders.rename' | 'files.move' | 'files.deleteMany'

export interface FolderHandlerComponents {
  vault: VaultService
  onFilesChanged: () => void
  /** Stamps a new folder's record (default the system clock). */
  now?: () => number
}

/** Folders over RPC (core/vault/vault-folders.ts does the work); each change is one index update. */
export function createFolderHandlers ({ vault, onFilesChanged, now = Date.now }: FolderHandlerComponents): Pick<HandlerMap, FolderMethods> {
  return {
    'folders.list': async () => vault.files().folders(),
    'folders.create': async ({ path }) => {
      await vault.files().createFolder(path, now())
      onFilesChanged()
    },
    'folders.rename': async ({ path, newPath }) => {
      await vault.files().renameFolder(path, newPath)
      onFilesChanged()
    },
    'files.move': async ({ fileIds, folders, to }) => {
      await vault.files().move({ fileIds, folders }, to)
      onFilesChanged()
    },
    'files.deleteMany': async ({ fileIds, folders }) => {
      await vault.files().removeMany({ fileIds, folders })
      onFilesChanged()
    }
  }
}
