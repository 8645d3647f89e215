import { computed, signal, type ReadonlySignal } from '@preact/signals'
import { createStore, del, set } from 'idb-keyval'
import type { FileInfo, RestoreProgress, RpcClient, SyncFolderLocation } from '../../core/rpc/api.ts'
import { FOLDER_HANDLE_DB, FOLDER_HANDLE_STORE } from '../../core/rpc/folder-handle-store.ts'
import { errorMessage } from '../error-messages.ts'
import { allFolders } from './folder-tree.ts'
import type { SyncCapability } from './sync-model.ts'

/** `showDirectoryPicker` (Chromium; not in TypeScript's lib yet). */
type DirectoryPicker = (options: { mode: 'readwrite', id?: string }) => Promise<FileSystemDirectoryHandle>

export type RestoreStage = 'closed' | 'choosing' | 'running' | 'done'

/** What a finished restore wrote, and where; `failed`: the files it could not read, with why. */
export interface RestoreOutcome { files: number, bytes: number, failed: Array<{ path: string, code: string }>, vaultFolder: string, target: string }

/** The Sync page's "Restore a folder…": a vault folder written back into an empty folder on disk. */
export interface SyncRestoreModel {
  /** A typed path (the desktop app), the browser's folder picker, or neither ('upload-only': no restore here). */
  capability: SyncCapability
  stage: ReadonlySignal<RestoreStage>
  /** Every folder of the vault ('' is the whole vault). */
  vaultFolders: ReadonlySignal<string[]>
  vaultFolder: ReadonlySignal<string>
  path: ReadonlySignal<string>
  progress: ReadonlySignal<RestoreProgress | undefined>
  outcome: ReadonlySignal<RestoreOutcome | undefined>
  error: ReadonlySignal<string | undefined>
  open: () => void
  close: () => void
  setVaultFolder: (folder: string) => void
  setPath: (path: string) => void
  /** Asks for the target (the picker in a browser, the typed path on the desktop) and restores into it. */
  restore: () => Promise<void>
  reset: () => void
}

export interface SyncRestoreModelInit {
  client: RpcClient
  desktop: boolean
  picker?: DirectoryPicker
  /** The vault's files and the folders the user made, to offer as what to restore. */
  files: ReadonlySignal<FileInfo[]>
  folders: ReadonlySignal<string[]>
}

export function createSyncRestoreModel (init: SyncRestoreModelInit): SyncRestoreModel {
  const { client } = init
  const capability: SyncCapability = init.desktop ? 'path' : init.picker !== undefined ? 'picker' : 'upload-only'
  const stage = signal<RestoreStage>('closed')
  const vaultFolder = signal('')
  const path = signal('')
  const progress = signal<RestoreProgress | undefined>(undefined)
  const outcome = signal<RestoreOutcome | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  const vaultFolders = computed(() => ['', ...allFolders(init.files.value.map(f => f.path), init.folders.value)])
  let handles: ReturnType<typeof createStore> | undefined
  const handleStore = (): ReturnType<typeof createStore> => (handles ??= createStore(FOLDER_HANDLE_DB, FOLDER_HANDLE_STORE))

  /** The target as the node names it, and what to undo afterwards; undefined when the user closed the picker. */
  const target = async (): Promise<{ location: SyncFolderLocation, label: string, done: () => Promise<void> } | undefined> => {
    if (capability === 'path') return { location: { kind: 'path', path: path.peek().trim() }, label: path.peek().trim(), done: async () => {} }
    if (init.picker === undefined) return undefined
    let handle: FileSystemDirectoryHandle
    try {
      handle = await init.picker({ mode: 'readwrite', id: 'cairn-restore' })
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return undefined
      throw err
    }
    // The node worker opens folders by the key of a stored handle; this one is kept only while the restore runs.
    const key = `restore-${crypto.randomUUID()}`
    await set(key, handle, handleStore())
    return { location: { kind: 'handle', key }, label: handle.name, done: async () => { await del(key, handleStore()) } }
  }

  return {
    capability,
    stage,
    vaultFolders,
    vaultFolder,
    path,
    progress,
    outcome,
    error,
    open: () => { stage.value = 'choosing'; outcome.value = undefined; error.value = undefined },
    close: () => { if (stage.peek() !== 'running') stage.value = 'closed' },
    setVaultFolder: (folder) => { vaultFolder.value = folder },
    setPath: (value) => { path.value = value },
    restore: async () => {
      if (stage.peek() === 'running') return
      error.value = undefined
      outcome.value = undefined
      let picked: Awaited<ReturnType<typeof target>>
      try {
        picked = await target()
      } catch (err) {
        error.value = errorMessage(err)
        return
      }
      if (picked === undefined) return
      stage.value = 'running'
      progress.value = undefined
      const off = client.on('sync.restore.progress', (p) => { progress.value = p })
      const folder = vaultFolder.peek()
      try {
        const result = await client.call('sync.restore', { location: picked.location, vaultFolder: folder })
        outcome.value = { ...result, vaultFolder: folder, target: picked.label }
        stage.value = 'done'
      } catch (err) {
        error.value = errorMessage(err)
        stage.value = 'choosing'
      } finally {
        off()
        progress.value = undefined
        await picked.done().catch(() => {})
      }
    },
    reset: () => {
      stage.value = 'closed'
      vaultFolder.value = ''
      path.value = ''
      progress.value = undefined
      outcome.value = undefined
      error.value = undefined
    }
  }
}
