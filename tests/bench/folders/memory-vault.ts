import { createDedupHasher } from '../../../core/crypto/dedup-tag.ts'
import type { SyncVault, SyncedVaultFile } from '../../../core/folder-sync/vault-port.ts'

/**
 * A vault that keeps only names and tags in memory (each file's content is
 * read and tagged, not encrypted or stored): the scan figures that use it are
 * the engine's and the folder adapter's. Runs in Node and in a browser worker.
 */
export function memoryVault (): SyncVault {
  const files = new Map<string, SyncedVaultFile>()
  const key = new Uint8Array(32).fill(3)
  const tagOf = async (stream: ReadableStream<Uint8Array>): Promise<string> => {
    const hasher = await createDedupHasher(key)
    for await (const chunk of stream) hasher.update(chunk)
    return Array.from(hasher.digest(), (b) => b.toString(16).padStart(2, '0')).join('')
  }
  let next = 0
  return {
    list: () => [...files.values()],
    add: async (path, stream, size, mtime) => {
      const tag = await tagOf(stream)
      const fileId = `f${next++}`
      files.set(fileId, { fileId, path, size, mtime, tag })
      return { fileId, tag, deduplicated: false }
    },
    rename: async (fileId, path) => { const f = files.get(fileId); if (f !== undefined) f.path = path },
    remove: async (fileId) => { files.delete(fileId) },
    open: () => new ReadableStream({ start: (c) => { c.close() } }),
    tagOf
  }
}
