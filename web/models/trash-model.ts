import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { FileInfo, RpcClient, TrashItem, TrashRestoreResult } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { freePath } from '../lib/free-path.ts'

/** The Trash page: deleted files, restoring one or many, and deleting them for good (after a confirm). */
export interface TrashModel {
  items: ReadonlySignal<TrashItem[]>
  /** The search box: items whose path contains it (any case) are shown. */
  filter: ReadonlySignal<string>
  shown: ReadonlySignal<TrashItem[]>
  /** Ticked items (file ids), among those still in the Trash. */
  selected: ReadonlySignal<ReadonlySet<string>>
  setFilter: (text: string) => void
  toggle: (fileId: string) => void
  /** Ticks every shown item, or unticks them. */
  selectShown: (on: boolean) => void
  /** Every ticked item back where it was, in one update (taken names get "name (2).ext"). */
  restoreSelected: () => Promise<void>
  /** Opens the confirm for deleting the ticked items for good. */
  startDeleteSelected: () => void
  /** What the open confirm deletes: the ticked items, or the whole Trash. */
  emptyScope: ReadonlySignal<'all' | 'selected'>
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
  const filter = signal('')
  const ticked = signal<ReadonlySet<string>>(new Set())
  const emptyScope = signal<'all' | 'selected'>('all')
  const shown = computed(() => {
    const words = filter.value.trim().toLocaleLowerCase()
    return words === '' ? items.value : items.value.filter(item => item.path.toLocaleLowerCase().includes(words))
  })
  // Ticks of items gone from the Trash (restored or emptied elsewhere) do not count.
  const selected = computed<ReadonlySet<string>>(() => {
    const present = new Set(items.value.map(item => item.fileId))
    return new Set([...ticked.value].filter(id => present.has(id)))
  })
  const dropFromList = (ids: ReadonlySet<string>): void => {
    items.value = items.value.filter(item => !ids.has(item.fileId))
    ticked.value = new Set([...ticked.peek()].filter(id => !ids.has(id)))
  }

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
    filter,
    shown,
    selected,
    emptyScope,
    setFilter: (text) => { filter.value = text },
    toggle: (fileId) => {
      const next = new Set(ticked.peek())
      if (!next.delete(fileId)) next.add(fileId)
      ticked.value = next
    },
    selectShown: (on) => {
      const next = new Set(ticked.peek())
      for (const item of shown.peek()) {
        if (on) next.add(item.fileId)
        else next.delete(item.fileId)
      }
      ticked.value = next
    },
    restoreSelected: async () => {
      const ids = [...selected.peek()]
      if (ids.length === 0 || busy.peek() !== undefined) return
      busy.value = 'selected'
      error.value = undefined
      notice.value = undefined
      try {
        const { restored, skipped } = await client.call('trash.restoreMany', { fileIds: ids })
        dropFromList(new Set([...restored.map(r => r.file.fileId), ...skipped.filter(s => s.reason === 'gone').map(s => s.fileId)]))
        notice.value = restoreWords(restored, skipped)
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = undefined
      }
    },
    startDeleteSelected: () => {
      if (selected.peek().size === 0) return
      emptyScope.value = 'selected'
      confirmingEmpty.value = true
      emptyError.value = undefined
    },
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
      emptyScope.value = 'all'
      confirmingEmpty.value = true
      emptyError.value = undefined
    },
    confirmEmpty: async () => {
      if (emptyBusy.peek()) return
      emptyBusy.value = true
      emptyError.value = undefined
      try {
        const ids = emptyScope.peek() === 'selected' ? [...selected.peek()] : items.peek().map(i => i.fileId)
        await client.call('trash.empty', { fileIds: ids })
        dropFromList(new Set(ids))
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
      ticked.value = new Set()
      filter.value = ''
      loading.value = true
      error.value = undefined
      notice.value = undefined
      confirmingEmpty.value = false
    }
  }
}

/** "Restored 3 files." and what was not as asked. */
function restoreWords (restored: TrashRestoreResult['restored'], skipped: TrashRestoreResult['skipped']): string {
  const words: string[] = []
  if (restored.length === 1) {
    const [{ file, was }] = restored as [TrashRestoreResult['restored'][0]]
    words.push(file.path === was ? `Restored “${file.path}”.` : `Restored as “${file.path}”: “${was}” is taken.`)
  } else if (restored.length > 1) {
    const renamed = restored.filter(r => r.file.path !== r.was).length
    words.push(`Restored ${restored.length} files.${renamed > 0 ? ` ${renamed} got a new name: theirs was taken.` : ''}`)
  }
  const blocked = skipped.filter(s => s.reason === 'blocked')
  if (blocked.length > 0) words.push(`${blocked.length === 1 ? `“${blocked[0]?.path ?? ''}” stays` : `${blocked.length} files stay`} in the Trash: a file now has the name of ${blocked.length === 1 ? 'its folder' : 'their folder'}. Rename that file, then restore again.`)
  const gone = skipped.length - blocked.length
  if (gone > 0) words.push(`${gone === 1 ? 'One file was' : `${gone} files were`} no longer in the Trash.`)
  return words.join(' ')
}
