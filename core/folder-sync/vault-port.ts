import type { VaultFiles } from '../vault/vault-files.ts'

/** A live vault file as folder sync sees it. */
export interface SyncedVaultFile {
  fileId: string
  path: string
  size: number
  mtime: number
  /** The keyed dedup tag (base64): equal content, equal tag. */
  tag: string
  /** Present on a concurrent edit shown as a conflict copy beside its file (same fileId). */
  versionId?: string
}

/** What the engine was given to add: the file's id and tag, and whether new content was stored. */
export interface SyncAddResult {
  fileId: string
  tag: string
  /** True when the vault already held this content and stored nothing new. */
  deduplicated: boolean
}

/**
 * The part of the vault folder sync uses: the vault's own add, rename and
 * delete (tombstone) calls, so synced files are ordinary vault files.
 */
export interface SyncVault {
  list: () => SyncedVaultFile[]
  add: (path: string, stream: ReadableStream<Uint8Array>, size: number, mtime: number) => Promise<SyncAddResult>
  rename: (fileId: string, path: string) => Promise<void>
  remove: (fileId: string) => Promise<void>
  /** The file's content; with `versionId`, that conflict copy's (a concurrent edit's) own content. */
  open: (fileId: string, versionId?: string) => ReadableStream<Uint8Array>
  /** Drops a concurrent edit (it stays an earlier version of its file, as a resolved one does); without it a copy deleted on disk is only no longer synced. */
  dropEdit?: (fileId: string, versionId: string) => Promise<void>
  tagOf: (stream: ReadableStream<Uint8Array>) => Promise<string>
}

/** The sync port of the unlocked vault's files (taken afresh for each scan: a lock ends them). */
export function syncVaultOf (files: () => VaultFiles): SyncVault {
  return {
    list: () => files().listWithTags().map(f => ({ fileId: f.fileId, path: f.path, size: f.size, mtime: f.mtime, tag: f.tag, ...(f.versionId !== undefined ? { versionId: f.versionId } : {}) })),
    add: async (path, stream, size, mtime) => {
      const vault = files()
      const result = await vault.addStream({ path, stream, size, mtime, type: '' })
      const tag = vault.tagOf(result.file.fileId) ?? ''
      return { fileId: result.file.fileId, tag, deduplicated: result.deduplicated }
    },
    rename: async (fileId, path) => { await files().rename(fileId, path) },
    remove: async (fileId) => { await files().remove(fileId) },
    open: (fileId, versionId) => files().open(fileId, versionId).stream,
    dropEdit: async (fileId, versionId) => { await files().resolveConflict(fileId, 'other', versionId) },
    tagOf: async (stream) => await files().tagOfStream(stream)
  }
}
