import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { baseName, folderOf, formatBytes, formatDate } from '../../format.ts'
import { usePeerCopyWords } from './use-peer-copy-words.ts'

/** Deleted files: restore one, or empty the Trash. Files leave it by themselves after 30 days. */
export function TrashPage () {
  const { trash } = useModels()
  useEffect(() => trash.start(), [])
  const peerCopy = usePeerCopyWords('delete')
  const items = trash.items.value
  const busy = trash.busy.value
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
      {trash.loading.value && items.length === 0
        ? <p class='muted'>Loading the Trash…</p>
        : items.length === 0
          ? <p class='empty'>The Trash is empty.</p>
          : (
            <table class='files trash'>
              <thead>
                <tr>
                  <th scope='col' class='col-name'>Name</th>
                  <th scope='col' class='col-size'>Size</th>
                  <th scope='col' class='col-date'>Deleted</th>
                  <th scope='col' class='col-date'>Deleted for good</th>
                  <th scope='col' class='col-actions'><span class='visually-hidden'>Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {items.map(item => (
                  <tr key={item.fileId}>
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
  const count = trash.items.value.length
  return (
    <ConfirmDialog
      title='Empty the Trash?'
      confirmLabel='Empty trash'
      busy={trash.emptyBusy.value}
      error={trash.emptyError.value}
      onConfirm={trash.confirmEmpty}
      onCancel={trash.cancelEmpty}
    >
      {count === 1 ? 'The file in the Trash is' : `The ${count} files in the Trash are`} deleted from this device for good, with
      their earlier versions.{peerCopy !== '' && ` ${peerCopy}`}
    </ConfirmDialog>
  )
}
