import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { moveTargets } from '../../models/folder-actions-model.ts'
import { nameOf } from '../../models/folder-tree.ts'
import { usePeerCopyWords } from '../trash/use-peer-copy-words.ts'

/** "New folder": a name, made in the folder shown. */
export function NewFolderDialog () {
  const { files } = useModels()
  const { browse } = files
  const name = browse.newFolderName.value
  if (name === undefined) return null
  const busy = browse.newFolderBusy.value
  const here = browse.folder.value
  return (
    <Dialog title='New folder' onCancel={browse.cancelNewFolder}>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void browse.saveNewFolder() }}>
        <Field label='Folder name' value={name} onInput={browse.setNewFolderName} autoFocus disabled={busy} hint={here === '' ? 'It is made at the top of your files.' : `It is made in “${here}”.`} />
        <ErrorAlert message={browse.newFolderError.value} />
        <div class='actions'>
          <button type='submit' disabled={busy || name.trim() === ''}>Create</button>
          <button type='button' class='secondary' onClick={browse.cancelNewFolder} disabled={busy}>Cancel</button>
        </div>
      </form>
    </Dialog>
  )
}

/** Rename a folder: every file under it moves with it. */
export function RenameFolderDialog () {
  const { files } = useModels()
  const { browse } = files
  const folder = browse.renamingFolder.value
  if (folder === undefined) return null
  const busy = browse.renameFolderBusy.value
  return (
    <Dialog title={`Rename folder ${nameOf(folder)}`} onCancel={browse.cancelRenameFolder}>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void browse.saveRenameFolder() }}>
        <Field label='New name' value={browse.renameFolderValue.value} onInput={browse.setRenameFolderValue} autoFocus disabled={busy} hint='Everything in the folder keeps its place inside it.' />
        <ErrorAlert message={browse.renameFolderError.value} />
        <div class='actions'>
          <button type='submit' disabled={busy || browse.renameFolderValue.value.trim() === ''}>Save</button>
          <button type='button' class='secondary' onClick={browse.cancelRenameFolder} disabled={busy}>Cancel</button>
        </div>
      </form>
    </Dialog>
  )
}

/** "Move to…": pick a folder from the whole vault. */
export function MoveDialog () {
  const { files } = useModels()
  const { browse } = files
  const job = browse.moving.value
  if (job === undefined) return null
  const targets = moveTargets(browse.allFolders.value, job.subject, job.rows)
  const chosen = browse.moveTarget.value
  const busy = browse.moveBusy.value
  return (
    <Dialog title={`Move ${job.subject.label}`} onCancel={browse.cancelMove}>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void browse.confirmMove() }}>
        <fieldset class='move-targets'>
          <legend>Move to</legend>
          {targets.length === 0 && <p class='muted'>There is no other folder yet. Make one with “New folder”.</p>}
          <ul>
            {targets.map(t => (
              <li key={t} style={{ paddingLeft: `${t === '' ? 0 : t.split('/').length}rem` }}>
                <label>
                  <input type='radio' name='move-target' checked={chosen === t} onChange={() => { browse.chooseMoveTarget(t) }} disabled={busy} />
                  {' '}{t === '' ? 'All files (the top)' : nameOf(t)}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <ErrorAlert message={browse.moveError.value} />
        <div class='actions'>
          <button type='submit' disabled={busy || chosen === undefined}>{busy ? 'Moving…' : 'Move'}</button>
          <button type='button' class='secondary' onClick={browse.cancelMove} disabled={busy}>Cancel</button>
        </div>
      </form>
    </Dialog>
  )
}

/** Delete folders or many rows at once (one confirm): all goes to the Trash. */
export function DeleteManyDialog () {
  const { files } = useModels()
  const { browse } = files
  const subject = browse.deletingMany.value
  const peerCopy = usePeerCopyWords('delete', subject !== undefined)
  if (subject === undefined) return null
  const what = subject.folders.length > 0 ? 'with everything in it' : ''
  return (
    <ConfirmDialog
      title={`Delete ${subject.label}?`}
      confirmLabel='Delete'
      busy={browse.deleteManyBusy.value}
      error={browse.deleteManyError.value}
      onConfirm={browse.confirmDeleteMany}
      onCancel={browse.cancelDeleteMany}
    >
      {subject.count === 1 ? `${subject.label} goes to the Trash${what !== '' ? `, ${what}` : ''}.` : `These ${subject.count} items go to the Trash${subject.folders.length > 0 ? ', folders with everything in them' : ''}.`}{' '}
      You can restore the files from there for 30 days; then they are deleted for good.{peerCopy !== '' && ` ${peerCopy}`}
    </ConfirmDialog>
  )
}

const SHORTCUTS: ReadonlyArray<[string, string]> = [
  ['/', 'Search by name'],
  ['↑ ↓', 'Move between rows'],
  ['Enter', 'Open the row (a folder: walk in)'],
  ['Delete', 'Delete the selected rows, or the row you are on'],
  ['Ctrl+A', 'Select every row'],
  ['Escape', 'Clear the selection'],
  ['?', 'Show these shortcuts']
]

/** "?": the keys the file list answers. */
export function ShortcutsDialog () {
  const { files } = useModels()
  const { browse } = files
  if (!browse.shortcutsOpen.value) return null
  const close = (): void => { browse.showShortcuts(false) }
  return (
    <Dialog title='Keyboard shortcuts' onCancel={close}>
      <div class='stack'>
        <dl class='shortcuts'>
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}><dt><kbd>{keys}</kbd></dt><dd>{what}</dd></div>
          ))}
        </dl>
        <p class='muted'>Keys do nothing while you type in a field.</p>
        <div class='actions'><button type='button' class='secondary' onClick={close} autoFocus>Close</button></div>
      </div>
    </Dialog>
  )
}
