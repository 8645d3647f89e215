import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals'
import type { FileInfo, RpcClient } from '../../core/rpc/api.ts'
import { downloadUrl, zipDownloadUrl } from '../../core/rpc/service-worker-urls.ts'
import { folderRows, searchRows, sortRows, type BrowseRow } from './browse-rows.ts'
import type { SortDirection, SortKey } from './file-sort.ts'
import { allFolders, childPath, parentOf } from './folder-tree.ts'
import { keepShown, NO_SELECTION, selectRange, toggle, toggleAll, type Selection } from './row-selection.ts'
import { createFolderActions, type FolderActions } from './folder-actions-model.ts'

export interface BrowseInit {
  client: RpcClient
  files: ReadonlySignal<FileInfo[]>
  folders: ReadonlySignal<string[]>
  sortKey: ReadonlySignal<SortKey>
  sortDirection: ReadonlySignal<SortDirection>
  /** The search box: empty shows the current folder, else matches by name in every folder. */
  filter: Signal<string>
  refresh: () => Promise<void>
}

/**
 * The Files page as a file browser: which folder is shown (breadcrumbs, the
 * folder tree), its rows (subfolders then files) or the search results, the
 * selection, the row that has the keyboard focus, and the folder actions.
 */
export interface BrowseModel extends FolderActions {
  /** The folder shown ('' is the top). */
  folder: ReadonlySignal<string>
  /** Every folder in the vault, sorted (parents first). */
  allFolders: ReadonlySignal<string[]>
  /** True while the search box has text: rows are matches from every folder. */
  searching: ReadonlySignal<boolean>
  /** The rows shown, sorted, folders first. */
  rows: ReadonlySignal<BrowseRow[]>
  selection: ReadonlySignal<Selection>
  /** The selected rows, in the order shown. */
  selected: ReadonlySignal<BrowseRow[]>
  /** The row the arrow keys are on (-1: none). */
  focusIndex: ReadonlySignal<number>
  /** Folders open in the tree. */
  treeOpen: ReadonlySignal<ReadonlySet<string>>
  /** The keyboard shortcuts dialog. */
  shortcutsOpen: ReadonlySignal<boolean>
  go: (folder: string) => void
  toggleTree: (folder: string) => void
  /** A checkbox click: `range` (shift held) selects from the last row clicked. */
  select: (key: string, range: boolean) => void
  selectAll: () => void
  clearSelection: () => void
  setFocus: (index: number) => void
  /** A row's primary action: a folder is walked into, a file opened (see setFileOpener). */
  open: (row: BrowseRow) => void
  /**
   * How a file opens: the viewer sets this (web/models/viewer-model.ts when
   * there is one); until then a file downloads.
   */
  setFileOpener: (open: ((file: FileInfo) => void) | undefined) => void
  /** The zip of these rows (default: the folder shown), streamed by the service worker or the desktop daemon. */
  zipUrl: (rows?: readonly BrowseRow[]) => string
  showShortcuts: (open: boolean) => void
  /** Forgets the folder, selection and dialogs (on lock). */
  reset: () => void
}

export function createBrowseModel (init: BrowseInit): BrowseModel {
  const folder = signal('')
  const selection = signal<Selection>(NO_SELECTION)
  const focusIndex = signal(-1)
  const treeOpen = signal<ReadonlySet<string>>(new Set())
  const shortcutsOpen = signal(false)
  let fileOpener: ((file: FileInfo) => void) | undefined

  const folders = computed(() => allFolders(init.files.value.map(f => f.path), init.folders.value))
  const searching = computed(() => init.filter.value.trim() !== '')
  const rows = computed(() => {
    const list = searching.value
      ? searchRows(init.files.value, folders.value, init.filter.value)
      : folderRows(init.files.value, folders.value, folder.value)
    return sortRows(list, init.sortKey.value, init.sortDirection.value)
  })
  const order = computed(() => rows.value.map(r => r.key))
  // Rows that went away (deleted, moved, another folder) leave the selection.
  const shownSelection = computed(() => keepShown(selection.value, order.value))
  const selected = computed(() => {
    const keys = shownSelection.value.keys
    return keys.size === 0 ? [] : rows.value.filter(r => keys.has(r.key))
  })

  const go = (target: string): void => {
    folder.value = target
    selection.value = NO_SELECTION
    focusIndex.value = -1
    init.filter.value = ''
    // The tree shows where you are: every folder above it opens.
    const open = new Set(treeOpen.value)
    for (let f = target; f !== ''; f = parentOf(f)) open.add(f)
    treeOpen.value = open
  }

  const actions = createFolderActions({
    client: init.client,
    folder,
    allFolders: folders,
    refresh: init.refresh,
    onFolderGone: (from, to) => {
      // Renamed or moved the folder shown (or one above it): follow it; deleted: go up.
      const here = folder.value
      if (here === from || here.startsWith(from + '/')) go(to === undefined ? parentOf(from) : to + here.slice(from.length))
    },
    clearSelection: () => { selection.value = NO_SELECTION }
  })

  return {
    ...actions,
    folder,
    allFolders: folders,
    searching,
    rows,
    selection: shownSelection,
    selected,
    focusIndex,
    treeOpen,
    shortcutsOpen,
    go,
    toggleTree: (f) => {
      const open = new Set(treeOpen.value)
      if (open.has(f)) open.delete(f)
      else open.add(f)
      treeOpen.value = open
    },
    select: (key, range) => {
      selection.value = range ? selectRange(shownSelection.value, order.value, key) : toggle(shownSelection.value, key)
    },
    selectAll: () => { selection.value = toggleAll(shownSelection.value, order.value) },
    clearSelection: () => { selection.value = NO_SELECTION },
    setFocus: (index) => { focusIndex.value = Math.max(-1, Math.min(rows.value.length - 1, index)) },
    open: (row) => {
      if (row.kind === 'folder') { go(row.path); return }
      if (fileOpener !== undefined) { fileOpener(row.file); return }
      // No viewer yet: the file downloads (the service worker streams it).
      const link = document.createElement('a')
      link.href = downloadUrl(row.file.fileId, row.file.versionId)
      link.click()
    },
    setFileOpener: (open) => { fileOpener = open },
    zipUrl: (picked) => {
      const base = searching.value ? '' : folder.value
      if (picked === undefined) return zipDownloadUrl(base)
      const prefix = base === '' ? '' : base + '/'
      return zipDownloadUrl(base, picked.map(r => r.path.slice(prefix.length)))
    },
    showShortcuts: (open) => { shortcutsOpen.value = open },
    reset: () => {
      folder.value = ''
      selection.value = NO_SELECTION
      focusIndex.value = -1
      treeOpen.value = new Set()
      shortcutsOpen.value = false
      actions.resetActions()
    }
  }
}

/** Where a new file dropped or picked in `folder` goes. */
export function pathIn (folder: string, path: string): string {
  return childPath(folder, path)
}
