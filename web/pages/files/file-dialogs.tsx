import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { baseName } from '../../format.ts'

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

/** Delete, after the user confirms. */
export function DeleteDialog () {
  const { files } = useModels()
  const file = files.deleting.value
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
      “{file.path}” will be removed from your vault.
    </ConfirmDialog>
  )
}
