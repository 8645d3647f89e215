import { computed, signal, type ReadonlySignal } from '@preact/signals'
import { createStore, del, get, set } from 'idb-keyval'
import { FOLDER_HANDLE_DB, FOLDER_HANDLE_STORE } from '../../core/rpc/folder-handle-store.ts'
import type { RpcClient, SyncFolderInfo, SyncMode } from '../../core/rpc/api.ts'
import { syncSummary } from '../../core/rpc/sync-summary.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'

/** How this page can add a folder: a typed path (the desktop app), the browser's folder picker, or only a one-shot upload. */
export type SyncCapability = 'path' | 'picker' | 'upload-only'

/** `showDirectoryPicker` and the permission calls (Chromium; not in TypeScript's lib yet). */
type DirectoryPicker = (options: { mode: 'readwrite', id?: string }) => Promise<FileSystemDirectoryHandle>
interface PermissionHandle { requestPermission?: (options: { mode: 'readwrite' }) => Promise<PermissionState> }

export interface SyncRulesEditor { id: string, label: string, text: string, defaults: string[] }

/** The Sync page: synced folders, adding one, and each folder's controls. */
export interface SyncModel {
  capability: SyncCapability
  folders: ReadonlySignal<SyncFolderInfo[]>
  /** Every folder in step (none syncing, paused or waiting): the page title says so. */
  inStep: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The folder (or 'add') a call is running for. */
  busy: ReadonlySignal<string | undefined>
  rules: ReadonlySignal<SyncRulesEditor | undefined>
  /** Listens for `sync.changed` and keeps the title; returns the stop. */
  start: () => () => void
  refresh: () => Promise<void>
  addPath: (path: string, mode: SyncMode, vaultFolder: string) => Promise<boolean>
  pickFolder: (mode: SyncMode, vaultFolder: string) => Promise<boolean>
  /** After a restart, the one click the browser wants before Cairn may use the folder again. */
  allow: (id: string) => Promise<void>
  pause: (id: string) => Promise<void>
  resume: (id: string) => Promise<void>
  syncNow: (id: string) => Promise<void>
  /** A folder waiting because it is empty now: the user says it really is, so its files are deleted from the vault. */
  confirmEmpty: (id: string) => Promise<void>
  setMode: (id: string, mode: SyncMode) => Promise<void>
  setRescanInterval: (id: string, seconds: number) => Promise<void>
  remove: (id: string) => Promise<void>
  openRules: (id: string) => Promise<void>
  saveRules: (text: string) => Promise<void>
  closeRules: () => void
  reset: () => void
}

export interface SyncModelInit {
  client: RpcClient
  /** The desktop app's window: folders are added by path. */
  desktop: boolean
  /** The browser's folder picker, where there is one. */
  picker?: DirectoryPicker
  /** Sets the document title (tests pass their own). */
  setTitle?: (title: string) => void
}

const BASE_TITLE = 'Cairn'

export function createSyncModel (init: SyncModelInit): SyncModel {
  const { client } = init
  const capability: SyncCapability = init.desktop ? 'path' : init.picker !== undefined ? 'picker' : 'upload-only'
  const folders = signal<SyncFolderInfo[]>([])
  const error = signal<string | undefined>(undefined)
  const busy = signal<string | undefined>(undefined)
  const rules = signal<SyncRulesEditor | undefined>(undefined)
  const inStep = computed(() => folders.value.length > 0 && folders.value.every(f => f.state === 'in-step'))
  let handles: ReturnType<typeof createStore> | undefined
  const handleStore = (): ReturnType<typeof createStore> => (handles ??= createStore(FOLDER_HANDLE_DB, FOLDER_HANDLE_STORE))
  const setTitle = init.setTitle ?? ((title: string) => { if (typeof document !== 'undefined') document.title = title })

  const refresh = async (): Promise<void> => {
    try {
      folders.value = await client.call('sync.listFolders', undefined)
    } catch (err) {
      if (errorCodeOf(err) !== 'VAULT_LOCKED') error.value = errorMessage(err)
    }
  }

  /** Runs one call for `id`, showing its error; true when it succeeded. */
  const run = async (id: string, call: () => Promise<unknown>): Promise<boolean> => {
    busy.value = id
    error.value = undefined
    try {
      await call()
      await refresh()
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    } finally {
      busy.value = undefined
    }
  }

  // The desktop tray reads the same summary (desktop/daemon/tray-status.ts).
  const titleFor = (list: SyncFolderInfo[]): string => {
    const summary = syncSummary(list)
    if (summary === undefined) return BASE_TITLE
    if (summary.state === 'in-step') return `${BASE_TITLE} · folders in step`
    if (summary.state === 'syncing') return `${BASE_TITLE} · syncing${summary.filesToGo > 0 ? ` ${summary.filesToGo} files` : ''}`
    return `${BASE_TITLE} · folders not in step`
  }

  return {
    capability,
    folders,
    inStep,
    error,
    busy,
    rules,
    start: () => {
      void refresh()
      const off = client.on('sync.changed', () => { void refresh() })
      const stopTitle = folders.subscribe((list) => { setTitle(titleFor(list)) })
      return () => { off(); stopTitle(); setTitle(BASE_TITLE) }
    },
    refresh,
    addPath: async (path, mode, vaultFolder) => await run('add', async () => {
      await client.call('sync.addFolder', { location: { kind: 'path', path }, mode, vaultFolder: vaultFolder.trim() })
    }),
    pickFolder: async (mode, vaultFolder) => {
      const picker = init.picker
      if (picker === undefined) return false
      let handle: FileSystemDirectoryHandle
      try {
        handle = await picker({ mode: 'readwrite', id: 'cairn-sync' })
      } catch (err) {
        // Closing the picker is no error.
        if (err instanceof DOMException && err.name === 'AbortError') return false
        error.value = errorMessage(err)
        return false
      }
      const key = `folder-${crypto.randomUUID()}`
      await set(key, handle, handleStore())
      const ok = await run('add', async () => {
        await client.call('sync.addFolder', { location: { kind: 'handle', key }, mode, vaultFolder: vaultFolder.trim() === '' ? handle.name : vaultFolder.trim() })
      })
      if (!ok) await del(key, handleStore())
      return ok
    },
    allow: async (id) => {
      const folder = folders.peek().find(f => f.id === id)
      if (folder?.location.kind !== 'handle') return
      const key = folder.location.key
      await run(id, async () => {
        const handle = await get<FileSystemDirectoryHandle>(key, handleStore())
        // Asked in the click's own task: the browser shows its prompt only with the user's gesture.
        if (handle !== undefined) await (handle as PermissionHandle).requestPermission?.({ mode: 'readwrite' })
        await client.call('sync.resume', { id })
      })
    },
    pause: async (id) => { await run(id, async () => await client.call('sync.pause', { id })) },
    resume: async (id) => { await run(id, async () => await client.call('sync.resume', { id })) },
    syncNow: async (id) => { await run(id, async () => await client.call('sync.syncNow', { id })) },
    confirmEmpty: async (id) => { await run(id, async () => await client.call('sync.confirmEmpty', { id })) },
    setMode: async (id, mode) => { await run(id, async () => await client.call('sync.setMode', { id, mode })) },
    setRescanInterval: async (id, seconds) => { await run(id, async () => await client.call('sync.setRescanInterval', { id, seconds })) },
    remove: async (id) => { await run(id, async () => { await client.call('sync.removeFolder', { id }) }) },
    openRules: async (id) => {
      const folder = folders.peek().find(f => f.id === id)
      await run(id, async () => {
        const { text, defaults } = await client.call('sync.ignoreRules', { id })
        rules.value = { id, label: folder?.label ?? '', text, defaults }
      })
    },
    saveRules: async (text) => {
      const editing = rules.peek()
      if (editing === undefined) return
      const ok = await run(editing.id, async () => await client.call('sync.setIgnoreRules', { id: editing.id, text }))
      if (ok) rules.value = undefined
    },
    closeRules: () => { rules.value = undefined },
    reset: () => {
      folders.value = []
      error.value = undefined
      rules.value = undefined
    }
  }
}

/** The browser's folder picker, bound to `window`, where there is one (Chromium); undefined in Firefox, Safari and on phones. */
export function browserDirectoryPicker (): DirectoryPicker | undefined {
  const picker = (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker
  return typeof picker === 'function' ? picker.bind(globalThis) : undefined
}
