import type { HandlerMap } from '../rpc/handlers.ts'
import type { VaultService } from '../vault/vault-service.ts'

/** Methods served here: a file's thumbnail, read and stored (core/vault/thumbnails/). */
export type ThumbnailMethods = 'thumbnails.get' | 'thumbnails.put'

/**
 * Thumbnails over RPC. The page makes them (it can decode images, off its UI
 * thread); the node seals and keeps them, so no key ever reaches the page.
 */
export function createThumbnailHandlers (vault: VaultService): Pick<HandlerMap, ThumbnailMethods> {
  return {
    'thumbnails.get': async ({ fileId, versionId }) => {
      const content = vault.files().contentOf(fileId, versionId)
      try {
        return await vault.thumbnails().get({ contentCid: content.cid, fileKey: content.fileKey }) ?? null
      } finally {
        content.fileKey.fill(0)
      }
    },
    'thumbnails.put': async ({ fileId, versionId, cid, thumbnail }) => {
      const content = vault.files().contentOf(fileId, versionId)
      try {
        // Made from content the file no longer has (an edit landed meanwhile): that content's thumbnail is not this file's.
        if (content.cid !== cid) return undefined
        if (thumbnail === 'none') await vault.thumbnails().markUnmakeable(content.cid)
        else await vault.thumbnails().put({ contentCid: content.cid, fileKey: content.fileKey }, thumbnail)
      } finally {
        content.fileKey.fill(0)
      }
      return undefined
    }
  }
}
