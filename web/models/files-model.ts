import { coalescedReload } from '../lib/coalesced-reload.ts'
import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { sortAndFilter, type SortDirection, type SortKey } from './file-sort.ts'
import { createBrowseModel, type BrowseModel } from './browse-model.ts'

/** The file list: what is in the vault, how it is sorted and filtered, and rename/delete. */
export interface FilesModel {
  files: ReadonlySignal<FileInfo[]>
  /** The folders the user made (kept while empty); the others are read from the paths. */
  folders: ReadonlySignal<string[]>
  /** The file browser: the folder shown, search, selection, folder actions (browse-model.ts). */
  browse: BrowseModel
  /** True until the first list arrives after unlocking. */
  loading: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  sortKey: ReadonlySignal<SortKey>
  sortDirection: ReadonlySignal<SortDirection>
  filter: ReadonlySignal<string>
  visible: ReadonlySignal<FileInfo[]>
  /** The file being renamed (the rename dialog is open), its new name, and how saving went. */
  renaming: ReadonlySignal<FileInfo | undefined>
  renameValue: ReadonlySignal<string>
  renameBusy: ReadonlySignal<boolean>
  renameError: ReadonlySignal<string | undefined>
  /** The file waiting for delete confirmation (the dialog is open). */
  deleting: ReadonlySignal<FileInfo | undefined>
  deleteBusy: ReadonlySignal<boolean>
  deleteError: ReadonlySignal<string | undefined>
  /** Paths of uploads a closed tab or a crash cut off, found at this unlock: the user should add them again. */
  cutOff: ReadonlySignal<string[]>
  /** Asks the node once per unlock which uploads were cut off. */
  takeCutOff: () => Promise<void>
  dismissCutOff: () => void
  /** Listens for `files.changed`; returns the unsubscribe. */
  start: () => () => void
  refresh: () => Promise<void>
  /** Forgets the list (on lock: no file names stay on screen or in memory). */
  clear: () => void
  /** Sorts by `key`; the same key again flips the direction. */
  sortBy: (key: SortKey) => void
  setFilter: (value: string) => void
  startRename: (file: FileInfo) => void
  setRenameValue: (value: string) => void
  saveRename: () => Promise<void>
  cancelRename: () => void
  startDelete: (file: FileInfo) => void
  confirmDelete: () => Promise<void>
  cancelDelete: () => void
}

export function createFilesModel (client: RpcClient): FilesModel {
  const files = signal<FileInfo[]>([])
  const folders = signal<string[]>([])
  const loading = signal(true)
  const error = signal<string | undefined>(undefined)
  const sortKey = signal<SortKey>('name')
  const sortDirection = signal<SortDirection>('asc')
  const filter = signal('')
  const renaming = signal<FileInfo | undefined>(undefined)
  const renameValue = signal('')
  const renameBusy = signal(false)
  const renameError = signal<string | undefined>(undefined)
  const deleting = signal<FileInfo | undefined>(undefined)
  const deleteBusy = signal(false)
  const deleteError = signal<string | undefined>(undefined)
  const cutOff = signal<string[]>([])

  // Bursts of `files.changed` (a folder upload) collapse into one reload at a time; clear() drops a list in flight (the vault locked).
  const { reload: refresh, drop } = coalescedReload(async (isCurrent) => {
    try {
      const [list, made] = await Promise.all([client.call('files.list', undefined), client.call('folders.list', undefined)])
      if (!isCurrent()) return
      files.value = list
      folders.value = made
      error.value = undefined
    } catch (err) {
      // While locked the list is cleared anyway; don't show VAULT_LOCKED over it.
      if (errorCodeOf(err) !== 'VAULT_LOCKED') error.value = errorMessage(err)
    }
    loading.value = false
  })

  const browse = createBrowseModel({ client, files, folders, sortKey, sortDirection, filter, refresh: async () => { await refresh() } })

  return {
    files,
    folders,
    browse,
    loading,
    error,
    sortKey,
    sortDirection,
    filter,
    visible: computed(() => sortAndFilter(files.value, sortKey.value, sortDirection.value, filter.value)),
    renaming,
    renameValue,
    renameBusy,
    renameError,
    deleting,
    deleteBusy,
    deleteError,
    cutOff,
    takeCutOff: async () => {
      try {
        const paths = await client.call('files.takeCutOff', undefined)
        if (paths.length > 0) cutOff.value = [...cutOff.value, ...paths]
      } catch {
        // Locked again meanwhile, or a node without the method: nothing to tell.
      }
    },
    dismissCutOff: () => { cutOff.value = [] },
    start: () => client.on('files.changed', () => { void refresh() }),
    refresh,
    clear: () => {
      drop()
      files.value = []
      folders.value = []
      browse.reset()
      loading.value = true
      error.value = undefined
      filter.value = ''
      renaming.value = undefined
      deleting.value = undefined
      cutOff.value = []
    },
    sortBy: (key) => {
      if (sortKey.value === key) sortDirection.value = sortDirection.value === 'asc' ? 'desc' : 'asc'
      else {
        sortKey.value = key
        // Newest and largest first is what people look for; names read A→Z.
        sortDirection.value = key === 'mtime' || key === 'size' ? 'desc' : 'asc'
      }
    },
    setFilter: (value) => { filter.value = value },
    startRename: (file) => {
      renaming.value = file
      renameValue.value = file.path
      renameError.value = undefined
    },
    setRenameValue: (value) => { renameValue.value = value },
    saveRename: async () => {
      const file = renaming.value
      if (file === undefined || renameBusy.value) return
      const path = renameValue.value.trim()
      if (path === file.path) {
        renaming.value = undefined
        return
      }
      renameBusy.value = true
      renameError.value = undefined
      try {
        const updated = await client.call('files.rename', { fileId: file.fileId, path })
        files.value = files.value.map(f => f.fileId === updated.fileId ? updated : f)
        renaming.value = undefined
      } catch (err) {
        renameError.value = errorMessage(err)
      } finally {
        renameBusy.value = false
      }
    },
    cancelRename: () => { renaming.value = undefined },
    startDelete: (file) => {
      deleting.value = file
      deleteError.value = undefined
    },
    confirmDelete: async () => {
      const file = deleting.value
      if (file === undefined || deleteBusy.value) return
      deleteBusy.value = true
      deleteError.value = undefined
      try {
        await client.call('files.delete', { fileId: file.fileId })
        files.value = files.value.filter(f => f.fileId !== file.fileId)
        deleting.value = undefined
      } catch (err) {
        deleteError.value = errorMessage(err)
      } finally {
        deleteBusy.value = false
      }
    },
    cancelDelete: () => { deleting.value = undefined }
  }
}
