import { signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient, TrashItem } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { freePath } from '../lib/free-path.ts'

/** The Trash page: deleted files, restoring one, and emptying it (after a confirm). */
export interface TrashModel {
  items: ReadonlySignal<TrashItem[]>
  loading: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The file being restored or deleted for good. */
  busy: ReadonlySignal<string | undefined>
  /** Words after a restore: where the file went back to. */
  notice: ReadonlySignal<string | undefined>
  /** The "Empty trash" confirm dialog is open. */
  confirmingEmpty: ReadonlySignal<boolean>
  emptyBusy: ReadonlySignal<boolean>
  emptyError: ReadonlySignal<string | undefined>
  /** Listens for `files.changed` while the page is shown; returns the unsubscribe. */
  start: () => () => void
  refresh: () => Promise<void>
  /** Back to where it was, or to "name (2).ext" when that name is taken now. */
  restore: (item: TrashItem) => Promise<void>
  startEmpty: () => void
  confirmEmpty: () => Promise<void>
  cancelEmpty: () => void
  /** Forgets the list (on lock). */
  reset: () => void
}

export interface TrashComponents {
  client: RpcClient
  /** The vault's files now, to find a free name for a restore. */
  files: ReadonlySignal<FileInfo[]>
}

export function createTrashModel ({ client, files }: TrashComponents): TrashModel {
  const items = signal<TrashItem[]>([])
  const loading = signal(true)
  const error = signal<string | undefined>(undefined)
  const busy = signal<string | undefined>(undefined)
  const notice = signal<string | undefined>(undefined)
  const confirmingEmpty = signal(false)
  const emptyBusy = signal(false)
  const emptyError = signal<string | undefined>(undefined)

  const refresh = async (): Promise<void> => {
    try {
      items.value = await client.call('trash.list', undefined)
      error.value = undefined
    } catch (err) {
      if (errorCodeOf(err) !== 'VAULT_LOCKED') error.value = errorMessage(err)
    } finally {
      loading.value = false
    }
  }

  return {
    items,
    loading,
    error,
    busy,
    notice,
    confirmingEmpty,
    emptyBusy,
    emptyError,
    start: () => {
      void refresh()
      return client.on('files.changed', () => { void refresh() })
    },
    refresh,
    restore: async (item) => {
      if (busy.peek() !== undefined) return
      busy.value = item.fileId
      error.value = undefined
      notice.value = undefined
      try {
        const path = freePath(item.path, new Set(files.peek().map(f => f.path)))
        const back = await client.call('trash.restore', { fileId: item.fileId, path })
        items.value = items.value.filter(i => i.fileId !== item.fileId)
        notice.value = back.path === item.path ? `Restored “${back.path}”.` : `Restored as “${back.path}”: “${item.path}” is taken.`
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = undefined
      }
    },
    startEmpty: () => {
      confirmingEmpty.value = true
      emptyError.value = undefined
    },
    confirmEmpty: async () => {
      if (emptyBusy.peek()) return
      emptyBusy.value = true
      emptyError.value = undefined
      try {
        await client.call('trash.empty', { fileIds: items.peek().map(i => i.fileId) })
        items.value = []
        notice.value = undefined
        confirmingEmpty.value = false
      } catch (err) {
        emptyError.value = errorMessage(err)
      } finally {
        emptyBusy.value = false
      }
    },
    cancelEmpty: () => { confirmingEmpty.value = false },
    reset: () => {
      items.value = []
      loading.value = true
      error.value = undefined
      notice.value = undefined
      confirmingEmpty.value = false
    }
  }
}
