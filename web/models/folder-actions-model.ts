import { signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import type { BrowseRow } from './browse-rows.ts'
import { childPath, isInside, nameOf, parentOf } from './folder-tree.ts'

/** What a move or a delete acts on: files by id, folders by path, and how to name them to the user. */
export interface RowsSubject { fileIds: string[], folders: string[], label: string, count: number }

/** The subject of some rows: "“cat.jpg”" for one, "3 items" for more. */
export function subjectOf (rows: readonly BrowseRow[]): RowsSubject {
  const fileIds = [...new Set(rows.flatMap(r => r.kind === 'file' ? [r.file.fileId] : []))]
  const folders = rows.flatMap(r => r.kind === 'folder' ? [r.path] : [])
  const only = rows.length === 1 ? rows[0] : undefined
  return { fileIds, folders, count: rows.length, label: only !== undefined ? `“${only.name}”` : `${rows.length} items` }
}

/** Folders a subject may move into: not into itself or below it, nor where it already is. */
export function moveTargets (allFolders: readonly string[], subject: RowsSubject, rows: readonly BrowseRow[]): string[] {
  const from = new Set(rows.map(r => parentOf(r.path)))
  return ['', ...allFolders].filter(t => !subject.folders.some(f => isInside(t, f)) && !(from.size === 1 && from.has(t)))
}

export interface FolderActionsInit {
  client: RpcClient
  folder: ReadonlySignal<string>
  allFolders: ReadonlySignal<string[]>
  refresh: () => Promise<void>
  /** A folder was renamed or moved (`to`), or deleted (undefined). */
  onFolderGone: (from: string, to: string | undefined) => void
  clearSelection: () => void
}

/** New folder, rename folder, "Move to…" (and drag), delete many: each one call, one index update. */
export interface FolderActions {
  newFolderName: ReadonlySignal<string | undefined>
  newFolderBusy: ReadonlySignal<boolean>
  newFolderError: ReadonlySignal<string | undefined>
  startNewFolder: (suggested: string) => void
  setNewFolderName: (value: string) => void
  saveNewFolder: () => Promise<void>
  cancelNewFolder: () => void
  /** Makes the folders (full paths) not in the vault yet, e.g. the empty folders of a drop; what fails goes to `actionError`. */
  createFolders: (paths: readonly string[]) => Promise<void>
  renamingFolder: ReadonlySignal<string | undefined>
  renameFolderValue: ReadonlySignal<string>
  renameFolderBusy: ReadonlySignal<boolean>
  renameFolderError: ReadonlySignal<string | undefined>
  startRenameFolder: (path: string) => void
  setRenameFolderValue: (value: string) => void
  saveRenameFolder: () => Promise<void>
  cancelRenameFolder: () => void
  /** "Move to…": what moves (the dialog is open), the rows, the folder picked. */
  moving: ReadonlySignal<{ subject: RowsSubject, rows: BrowseRow[] } | undefined>
  moveTarget: ReadonlySignal<string | undefined>
  moveBusy: ReadonlySignal<boolean>
  moveError: ReadonlySignal<string | undefined>
  startMove: (rows: readonly BrowseRow[]) => void
  chooseMoveTarget: (folder: string) => void
  confirmMove: () => Promise<void>
  cancelMove: () => void
  /** A drop of rows onto a folder row or a breadcrumb. */
  moveRows: (rows: readonly BrowseRow[], to: string) => Promise<void>
  deletingMany: ReadonlySignal<RowsSubject | undefined>
  deleteManyBusy: ReadonlySignal<boolean>
  deleteManyError: ReadonlySignal<string | undefined>
  startDeleteMany: (rows: readonly BrowseRow[]) => void
  confirmDeleteMany: () => Promise<void>
  cancelDeleteMany: () => void
  /** What a drag-and-drop move could not do. */
  actionError: ReadonlySignal<string | undefined>
  dismissActionError: () => void
  resetActions: () => void
}

export function createFolderActions (init: FolderActionsInit): FolderActions {
  const { client } = init
  const newFolderName = signal<string | undefined>(undefined)
  const newFolderBusy = signal(false)
  const newFolderError = signal<string | undefined>(undefined)
  const renamingFolder = signal<string | undefined>(undefined)
  const renameFolderValue = signal('')
  const renameFolderBusy = signal(false)
  const renameFolderError = signal<string | undefined>(undefined)
  const moving = signal<{ subject: RowsSubject, rows: BrowseRow[] } | undefined>(undefined)
  const moveTarget = signal<string | undefined>(undefined)
  const moveBusy = signal(false)
  const moveError = signal<string | undefined>(undefined)
  const deletingMany = signal<RowsSubject | undefined>(undefined)
  const deleteManyBusy = signal(false)
  const deleteManyError = signal<string | undefined>(undefined)
  const actionError = signal<string | undefined>(undefined)

  const move = async (subject: RowsSubject, to: string): Promise<void> => {
    await client.call('files.move', { fileIds: subject.fileIds, folders: subject.folders, to })
    for (const f of subject.folders) init.onFolderGone(f, childPath(to, nameOf(f)))
    init.clearSelection()
    await init.refresh()
  }

  return {
    newFolderName,
    newFolderBusy,
    newFolderError,
    startNewFolder: (suggested) => {
      newFolderName.value = suggested
      newFolderError.value = undefined
    },
    setNewFolderName: (value) => { newFolderName.value = value },
    saveNewFolder: async () => {
      const name = newFolderName.value?.trim()
      if (name === undefined || name === '' || newFolderBusy.value) return
      newFolderBusy.value = true
      newFolderError.value = undefined
      try {
        await client.call('folders.create', { path: childPath(init.folder.value, name) })
        newFolderName.value = undefined
        await init.refresh()
      } catch (err) {
        newFolderError.value = errorMessage(err)
      } finally {
        newFolderBusy.value = false
      }
    },
    cancelNewFolder: () => { newFolderName.value = undefined },
    createFolders: async (paths) => {
      const known = new Set(init.allFolders.value)
      const missing = paths.filter(p => !known.has(p))
      if (missing.length === 0) return
      actionError.value = undefined
      let failed: { path: string, err: unknown } | undefined
      for (const path of missing) {
        try {
          await client.call('folders.create', { path })
        } catch (err) {
          failed ??= { path, err }
        }
      }
      await init.refresh()
      if (failed !== undefined) actionError.value = `The folder “${nameOf(failed.path)}” wasn't added: ${errorMessage(failed.err)}`
    },
    renamingFolder,
    renameFolderValue,
    renameFolderBusy,
    renameFolderError,
    startRenameFolder: (path) => {
      renamingFolder.value = path
      renameFolderValue.value = nameOf(path)
      renameFolderError.value = undefined
    },
    setRenameFolderValue: (value) => { renameFolderValue.value = value },
    saveRenameFolder: async () => {
      const from = renamingFolder.value
      const name = renameFolderValue.value.trim()
      if (from === undefined || name === '' || renameFolderBusy.value) return
      const to = childPath(parentOf(from), name)
      if (to === from) { renamingFolder.value = undefined; return }
      renameFolderBusy.value = true
      renameFolderError.value = undefined
      try {
        await client.call('folders.rename', { path: from, newPath: to })
        renamingFolder.value = undefined
        init.onFolderGone(from, to)
        await init.refresh()
      } catch (err) {
        renameFolderError.value = errorMessage(err)
      } finally {
        renameFolderBusy.value = false
      }
    },
    cancelRenameFolder: () => { renamingFolder.value = undefined },
    moving,
    moveTarget,
    moveBusy,
    moveError,
    startMove: (rows) => {
      if (rows.length === 0) return
      moving.value = { subject: subjectOf(rows), rows: [...rows] }
      moveTarget.value = undefined
      moveError.value = undefined
    },
    chooseMoveTarget: (f) => { moveTarget.value = f },
    confirmMove: async () => {
      const job = moving.value
      const to = moveTarget.value
      if (job === undefined || to === undefined || moveBusy.value) return
      moveBusy.value = true
      moveError.value = undefined
      try {
        await move(job.subject, to)
        moving.value = undefined
      } catch (err) {
        moveError.value = errorMessage(err)
      } finally {
        moveBusy.value = false
      }
    },
    cancelMove: () => { moving.value = undefined },
    moveRows: async (rows, to) => {
      const subject = subjectOf(rows)
      if (subject.count === 0 || !moveTargets(init.allFolders.value, subject, rows).includes(to)) return
      actionError.value = undefined
      try {
        await move(subject, to)
      } catch (err) {
        actionError.value = errorMessage(err)
      }
    },
    deletingMany,
    deleteManyBusy,
    deleteManyError,
    startDeleteMany: (rows) => {
      if (rows.length === 0) return
      deletingMany.value = subjectOf(rows)
      deleteManyError.value = undefined
    },
    confirmDeleteMany: async () => {
      const subject = deletingMany.value
      if (subject === undefined || deleteManyBusy.value) return
      deleteManyBusy.value = true
      deleteManyError.value = undefined
      try {
        await client.call('files.deleteMany', { fileIds: subject.fileIds, folders: subject.folders })
        for (const f of subject.folders) init.onFolderGone(f, undefined)
        deletingMany.value = undefined
        init.clearSelection()
        await init.refresh()
      } catch (err) {
        deleteManyError.value = errorMessage(err)
      } finally {
        deleteManyBusy.value = false
      }
    },
    cancelDeleteMany: () => { deletingMany.value = undefined },
    actionError,
    dismissActionError: () => { actionError.value = undefined },
    resetActions: () => {
      newFolderName.value = undefined
      renamingFolder.value = undefined
      moving.value = undefined
      deletingMany.value = undefined
      actionError.value = undefined
    }
  }
}
