import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { freeFolderName } from '../../models/folder-tree.ts'
import { AddButtons } from './add-buttons.tsx'
import { Breadcrumbs } from './breadcrumbs.tsx'
import { BulkBar } from './bulk-bar.tsx'
import { DropZone } from './drop-zone.tsx'
import { FileTable } from './file-table.tsx'
import { FolderTree } from './folder-tree.tsx'
import { RowMenuPopup } from './row-menu.tsx'
import { UploadPanel } from './upload-panel.tsx'
import { DamageNotices } from './damage-notices.tsx'
import { CutOffUploads } from './cut-off-uploads.tsx'
import { FreeSpaceButton, FreeSpaceResult } from './free-space.tsx'
import { useListKeys } from './use-list-keys.ts'
import { FilesSummary } from './files-summary.tsx'
import { LayoutToggle } from './layout-toggle.tsx'
import { FileGrid } from './file-grid.tsx'

const SEARCH_CLASS = 'files-search'

/**
 * The vault's files as a browser: add (buttons, folder, drag and drop, into
 * the folder shown), progress, breadcrumbs and the folder tree, search by
 * name across folders, the sortable list with a menu per row, and bulk
 * actions on a selection.
 */
export function FilesPage () {
  const { files, filesLayout } = useModels()
  const { browse } = files
  const all = files.files.value
  const folders = browse.allFolders.value
  const rows = browse.rows.value
  const filter = files.filter.value
  const empty = all.length === 0 && folders.length === 0
  useListKeys(files, () => document.querySelector<HTMLInputElement>(`.${SEARCH_CLASS} input`))
  const newFolder = (): void => { browse.startNewFolder(freeFolderName(new Set(folders), browse.folder.value)) }
  return (
    <div class='page files-page'>
      <div class='page-head'>
        <h1>Files</h1>
        <div class='add-buttons'>
          <AddButtons />
          <button type='button' class='secondary' onClick={newFolder}>New folder</button>
          {all.length > 0 && <FreeSpaceButton />}
          {all.length > 0 && <LayoutToggle />}
          <button type='button' class='secondary small' aria-label='Keyboard shortcuts' title='Keyboard shortcuts (?)' onClick={() => { browse.showShortcuts(true) }}>?</button>
        </div>
      </div>
      <FilesSummary />
      <FreeSpaceResult />
      <UploadPanel />
      <DamageNotices />
      <CutOffUploads />
      <ErrorAlert message={files.error.value} />
      <ErrorAlert message={browse.actionError.value} />
      {files.loading.value && empty
        ? <p class='muted'>Loading your files…</p>
        : empty
          ? <EmptyState />
          : (
            <div class='browser'>
              <FolderTree />
              <div class='browser-main'>
                <div class='browser-bar'>
                  <Breadcrumbs />
                  <Field class={`filter ${SEARCH_CLASS}`} label='Search files' type='search' value={filter} onInput={files.setFilter} hint='By name, in every folder. Press / to search.' />
                  {!browse.searching.value && rows.length > 0 && <a class='button-link secondary' href={browse.zipUrl()}>{browse.folder.value === '' ? 'Download all (zip)' : 'Download folder'}</a>}
                </div>
                <BulkBar />
                {rows.length === 0
                  ? browse.searching.value
                    ? <p class='empty'>Nothing is named like “{filter}”.</p>
                    : <p class='empty'>This folder is empty. Add files, or drop them here.</p>
                  : filesLayout.layout.value === 'grid' ? <FileGrid /> : <FileTable />}
              </div>
            </div>
            )}
      <RowMenuPopup />
      <DropZone />
    </div>
  )
}

function EmptyState () {
  return (
    <div class='empty'>
      <h2>No files yet</h2>
      <p>Add files or a folder with the buttons above, or drop them anywhere on this page.</p>
      <p class='muted'>They are encrypted on this device before they are stored.</p>
    </div>
  )
}
