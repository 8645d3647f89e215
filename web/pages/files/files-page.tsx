import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { AddButtons } from './add-buttons.tsx'
import { DropZone } from './drop-zone.tsx'
import { FileTable } from './file-table.tsx'
import { UploadPanel } from './upload-panel.tsx'
import { DamageNotices } from './damage-notices.tsx'
import { FreeSpaceButton, FreeSpaceResult } from './free-space.tsx'
import { LayoutToggle } from './layout-toggle.tsx'
import { FileGrid } from './file-grid.tsx'

/** The vault's files: add (buttons, folder, drag and drop), progress, and the sortable, filterable list. */
export function FilesPage () {
  const { files, filesLayout } = useModels()
  const all = files.files.value
  const visible = files.visible.value
  const filter = files.filter.value
  return (
    <div class='page files-page'>
      <div class='page-head'>
        <h1>Files</h1>
        <div class='add-buttons'>
          <AddButtons />
          {all.length > 0 && <FreeSpaceButton />}
          {all.length > 0 && <LayoutToggle />}
        </div>
      </div>
      <FreeSpaceResult />
      <UploadPanel />
      <DamageNotices />
      <ErrorAlert message={files.error.value} />
      {all.length > 0 && (
        <Field class='filter' label='Filter files' type='search' value={filter} onInput={files.setFilter} />
      )}
      {files.loading.value && all.length === 0
        ? <p class='muted'>Loading your files…</p>
        : all.length === 0
          ? <EmptyState />
          : visible.length === 0
            ? <p class='empty'>No files match “{filter}”.</p>
            : filesLayout.layout.value === 'grid' ? <FileGrid /> : <FileTable />}
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
