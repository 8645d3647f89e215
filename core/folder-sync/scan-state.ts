import { Key, type Datastore } from 'interface-datastore'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'

/** What the engine last saw of one file on disk, and which vault file it is. */
export interface TrackedFile {
  size: number
  mtime: number
  tag: string
  fileId: string
  /** Where it lives in the vault (differs from the folder path plus the vault folder only for a file written under a safe name). */
  vaultPath: string
  /** Two-way: the file is a conflict copy the index keeps beside `fileId` (a concurrent edit), written under its conflict name. */
  versionId?: string
}

/** One synced folder's scan state (path on disk → what it was at the last scan). */
export interface ScanState {
  v: 1
  files: Record<string, TrackedFile>
  /** Size and mtime of `.cairnignore` when last read, so an unchanged one is not read again. */
  ignoreStamp?: { size: number, mtime: number, text: string }
  /** `.cairn-trash/<day>` folders made, emptied after TRASH_DAYS. */
  trashDays: string[]
}

export function emptyState (): ScanState {
  return { v: 1, files: {}, trashDays: [] }
}

/** Loads and saves one folder's state. */
export interface ScanStateStore {
  load: () => Promise<ScanState>
  save: (state: ScanState) => Promise<void>
  clear: () => Promise<void>
}

/**
 * The state sealed in the datastore under the vault's `folders` subkey, like
 * the vault's other records: file names are plaintext a user would not want
 * on disk unencrypted. A record that fails to open counts as none (the next
 * scan finds every file again and the vault's dedup stores nothing twice).
 */
export function sealedScanState (datastore: Datastore, sealingKey: Uint8Array, folderId: string): ScanStateStore {
  const key = new Key(`/cairn/folder-sync/state/${folderId}`)
  const aad = new TextEncoder().encode(key.toString())
  return {
    load: async () => {
      if (!(await datastore.has(key))) return emptyState()
      try {
        const stored = JSON.parse(new TextDecoder().decode(openSecret(sealingKey, await datastore.get(key), aad, 'INDEX_RECORD_TAMPERED'))) as ScanState
        return { v: 1, files: stored.files ?? {}, trashDays: stored.trashDays ?? [], ...(stored.ignoreStamp !== undefined ? { ignoreStamp: stored.ignoreStamp } : {}) }
      } catch {
        return emptyState()
      }
    },
    save: async (state) => {
      await datastore.put(key, sealSecret(sealingKey, new TextEncoder().encode(JSON.stringify(state)), aad))
    },
    clear: async () => { await datastore.delete(key) }
  }
}

/** A state store in memory (tests, and a folder whose state need not outlive the process). */
export function memoryScanState (): ScanStateStore & { current: ScanState } {
  const store = {
    current: emptyState(),
    load: async () => structuredClone(store.current),
    save: async (state: ScanState) => { store.current = structuredClone(state) },
    clear: async () => { store.current = emptyState() }
  }
  return store
}
