import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { baseName, folderOf, formatBytes, formatDate } from '../../format.ts'
import { usePeerCopyWords } from './use-peer-copy-words.ts'

/** Deleted files: restore one or many (tick them, or search and tick all shown), or delete them for good. Files leave by themselves after 30 days. */
export function TrashPage () {
  const { trash } = useModels()
  useEffect(() => trash.start(), [])
  const peerCopy = usePeerCopyWords('delete')
  const items = trash.items.value
  const shown = trash.shown.value
  const selected = trash.selected.value
  const busy = trash.busy.value
  const allShownTicked = shown.length > 0 && shown.every(item => selected.has(item.fileId))
  return (
    <div class='page trash-page'>
      <div class='page-head'>
        <h1>Trash</h1>
        {items.length > 0 && <button type='button' class='danger-quiet' onClick={trash.startEmpty}>Empty trash</button>}
      </div>
      <p class='muted'>
        Deleted files stay here for 30 days, then they are deleted for good.{peerCopy !== '' && ` ${peerCopy}`}
      </p>
      <StatusNote message={trash.notice.value} />
      <ErrorAlert message={trash.error.value} />
      {items.length > 0 && (
        <div class='trash-tools'>
          <input type='search' class='trash-search' placeholder='Search the Trash' aria-label='Search the Trash' value={trash.filter.value} onInput={(e) => { trash.setFilter(e.currentTarget.value) }} />
          {selected.size > 0 && (
            <div class='trash-selection' role='group' aria-label='Selected files'>
              <span>{selected.size === 1 ? '1 selected' : `${selected.size} selected`}</span>
              <button type='button' class='secondary small' disabled={busy !== undefined} onClick={() => { void trash.restoreSelected() }}>
                {busy === 'selected' ? 'Restoring…' : `Restore ${selected.size === 1 ? 'it' : `all ${selected.size}`}`}
              </button>
              <button type='button' class='danger-quiet small' disabled={busy !== undefined} onClick={trash.startDeleteSelected}>Delete for good</button>
              <button type='button' class='link-button' onClick={() => { trash.selectShown(false) }}>Clear</button>
            </div>
          )}
        </div>
      )}
      {trash.loading.value && items.length === 0
        ? <p class='muted'>Loading the Trash…</p>
        : items.length === 0
          ? <p class='empty'>The Trash is empty.</p>
          : shown.length === 0
            ? <p class='empty'>Nothing in the Trash matches “{trash.filter.value}”.</p>
            : (
              <table class='files trash'>
                <thead>
                  <tr>
                    <th scope='col' class='col-select'>
                      <input type='checkbox' aria-label={trash.filter.value.trim() === '' ? 'Select all' : 'Select all shown'} checked={allShownTicked} onChange={() => { trash.selectShown(!allShownTicked) }} />
                    </th>
                    <th scope='col' class='col-name'>Name</th>
                    <th scope='col' class='col-size'>Size</th>
                    <th scope='col' class='col-date'>Deleted</th>
                    <th scope='col' class='col-date'>Deleted for good</th>
                    <th scope='col' class='col-actions'><span class='visually-hidden'>Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map(item => (
                    <tr key={item.fileId} class={selected.has(item.fileId) ? 'selected' : undefined}>
                      <td class='col-select'>
                        <input type='checkbox' aria-label={`Select ${item.path}`} checked={selected.has(item.fileId)} onChange={() => { trash.toggle(item.fileId) }} />
                      </td>
                      <td class='col-name'>
                        <span class='file-name' title={item.path}>
                          {folderOf(item.path) !== '' && <span class='folder'>{folderOf(item.path)}</span>}
                          <span class='base'>{baseName(item.path)}</span>
                        </span>
                      </td>
                      <td class='col-size'>{formatBytes(item.size)}</td>
                      <td class='col-date'>{formatDate(item.deletedAt)}</td>
                      <td class='col-date'>{formatDate(item.emptiesAt)}</td>
                      <td class='col-actions'>
                        <div class='row-actions'>
                          <button type='button' class='secondary small' disabled={busy !== undefined} aria-label={`Restore ${item.path}`} onClick={() => { void trash.restore(item) }}>
                            {busy === item.fileId ? 'Restoring…' : 'Restore'}
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
    </div>
  )
}

/** "Empty trash", after the user confirms. */
export function EmptyTrashDialog () {
  const { trash } = useModels()
  const peerCopy = usePeerCopyWords('empty', trash.confirmingEmpty.value)
  if (!trash.confirmingEmpty.value) return null
  const scope = trash.emptyScope.value
  const count = scope === 'selected' ? trash.selected.value.size : trash.items.value.length
  return (
    <ConfirmDialog
      title={scope === 'selected' ? `Delete ${count === 1 ? 'this file' : `these ${count} files`} for good?` : 'Empty the Trash?'}
      confirmLabel={scope === 'selected' ? 'Delete for good' : 'Empty trash'}
      busy={trash.emptyBusy.value}
      error={trash.emptyError.value}
      onConfirm={trash.confirmEmpty}
      onCancel={trash.cancelEmpty}
    >
      {scope === 'selected'
        ? (count === 1 ? 'The selected file is' : `The ${count} selected files are`)
        : (count === 1 ? 'The file in the Trash is' : `The ${count} files in the Trash are`)} deleted from this device for good, with
      {count === 1 ? ' its' : ' their'} earlier versions.{peerCopy !== '' && ` ${peerCopy}`}
    </ConfirmDialog>
  )
}
