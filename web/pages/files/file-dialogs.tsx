import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { baseName } from '../../format.ts'
import { usePeerCopyWords } from '../trash/use-peer-copy-words.ts'

/** Rename: the full path in the vault can be edited ("photos/cat.jpg"). */
export function RenameDialog () {
  const { files } = useModels()
  const file = files.renaming.value
  if (file === undefined) return null
  const busy = files.renameBusy.value
  return (
    <Dialog title={`Rename ${baseName(file.path)}`} onCancel={files.cancelRename}>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void files.saveRename() }}>
        <Field label='New name' value={files.renameValue.value} onInput={files.setRenameValue} autoFocus disabled={busy} hint='Use / to put it in a folder, for example photos/cat.jpg.' />
        <ErrorAlert message={files.renameError.value} />
        <div class='actions'>
          <button type='submit' disabled={busy || files.renameValue.value.trim() === ''}>Save</button>
          <button type='button' class='secondary' onClick={files.cancelRename} disabled={busy}>Cancel</button>
        </div>
      </form>
    </Dialog>
  )
}

/** Delete (to the Trash), after the user confirms; says what happens to the backup peer's copy. */
export function DeleteDialog () {
  const { files } = useModels()
  const file = files.deleting.value
  const peerCopy = usePeerCopyWords('delete', file !== undefined)
  if (file === undefined) return null
  return (
    <ConfirmDialog
      title={`Delete ${baseName(file.path)}?`}
      confirmLabel='Delete'
      busy={files.deleteBusy.value}
      error={files.deleteError.value}
      onConfirm={files.confirmDelete}
      onCancel={files.cancelDelete}
    >
      “{file.path}” goes to the Trash, with its earlier versions. You can restore it from there for 30 days; then it is
      deleted for good.{peerCopy !== '' && ` ${peerCopy}`}
    </ConfirmDialog>
  )
}
