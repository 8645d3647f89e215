import { InvalidArgumentError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { VaultService } from '../vault/vault-service.ts'

/** Methods served here: a file's versions, the Trash, and how long versions are kept. */
export type HistoryMethods = 'files.versions' | 'files.restoreVersion' | 'trash.list' | 'trash.restore' | 'trash.restoreMany' | 'trash.empty' | 'versions.retention' | 'versions.setRetention'

export interface HistoryHandlerComponents {
  vault: VaultService
  onFilesChanged: () => void
}

/** Versions and Trash over RPC (core/vault/vault-history.ts does the work). */
export function createHistoryHandlers ({ vault, onFilesChanged }: HistoryHandlerComponents): Pick<HandlerMap, HistoryMethods> {
  return {
    'files.versions': async ({ fileId }) => vault.history().versions(fileId),
    'files.restoreVersion': async ({ fileId, versionId }) => {
      const info = await vault.history().restoreVersion(fileId, versionId)
      onFilesChanged()
      return info
    },
    'trash.list': async () => vault.history().trash(),
    'trash.restore': async ({ fileId, path }) => {
      const info = await vault.history().restoreFromTrash(fileId, path)
      onFilesChanged()
      return info
    },
    'trash.restoreMany': async ({ fileIds }) => {
      if (!Array.isArray(fileIds) || fileIds.some(id => typeof id !== 'string')) throw new InvalidArgumentError('fileIds must be a list of file ids')
      const result = await vault.history().restoreManyFromTrash(fileIds)
      if (result.restored.length > 0) onFilesChanged()
      return result
    },
    'trash.empty': async ({ fileIds }) => {
      await vault.history().emptyTrash(fileIds)
      onFilesChanged()
    },
    'versions.retention': async () => vault.versionRetention(),
    'versions.setRetention': async (retention) => {
      const kept = await vault.setVersionRetention(retention)
      onFilesChanged()
      return kept
    }
  }
}
