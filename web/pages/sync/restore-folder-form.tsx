import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { formatBytes } from '../../format.ts'
import { messageForCode } from '../../error-messages.ts'
import { isErrorCode } from '../../../core/rpc/errors.ts'

/**
 * "Restore a folder…": a vault folder written back, with its tree, into an
 * empty folder (a path on the desktop, a picked folder in Chromium). Browsers
 * without a folder picker cannot write into a folder: the card is left out.
 */
export function RestoreFolderForm () {
  const { syncRestore: restore } = useModels()
  const id = useId()
  if (restore.capability === 'upload-only') return null
  const stage = restore.stage.value
  const headingId = `${id}-heading`
  if (stage === 'closed') {
    return (
      <section class='card stack restore-folder' aria-labelledby={headingId}>
        <h2 id={headingId}>Restore a folder</h2>
        <p class='muted'>Write a folder of the vault back onto this {restore.capability === 'path' ? 'computer' : 'device'}, with its files and subfolders.</p>
        <div class='actions'>
          <button type='button' class='secondary' onClick={restore.open}>Restore a folder…</button>
        </div>
      </section>
    )
  }
  const running = stage === 'running'
  const selectId = `${id}-vault-folder`
  const p = restore.progress.value
  const outcome = restore.outcome.value
  const submit = (e: Event): void => {
    e.preventDefault()
    void restore.restore()
  }
  return (
    <form class='card stack restore-folder' aria-labelledby={headingId} onSubmit={submit}>
      <h2 id={headingId}>Restore a folder</h2>
      <div class='field'>
        <label for={selectId}>Vault folder to restore</label>
        <select id={selectId} value={restore.vaultFolder.value} disabled={running} onChange={(e) => { restore.setVaultFolder(e.currentTarget.value) }}>
          {restore.vaultFolders.value.map(folder => <option key={folder} value={folder}>{folder === '' ? 'The whole vault' : folder}</option>)}
        </select>
      </div>
      {restore.capability === 'path'
        ? <Field label='Empty folder on this computer' value={restore.path.value} onInput={restore.setPath} disabled={running} hint='Its full path, for example /home/you/Restored. The folder must exist and be empty: Cairn never writes over a file.' />
        : (
          <p class='small muted'>
            You choose the folder next; it must be empty, since Cairn never writes over a file.
            Browsers cannot set a file's modified date, so restored files carry today's date; the Cairn desktop app keeps the original dates.
          </p>
          )}
      {running && (
        <div class='stack' role='status' data-testid='restore-progress'>
          <progress max={Math.max(p?.bytesTotal ?? 0, 1)} value={p?.bytesDone ?? 0} aria-label='Restoring the folder' />
          <p class='small'>{p === undefined ? 'Starting…' : `${p.filesDone} of ${p.filesTotal} files written, ${p.filesTotal - p.filesDone} to go (${formatBytes(p.bytesTotal - p.bytesDone)})`}</p>
        </div>
      )}
      {stage === 'done' && outcome !== undefined && (
        <p role='status' class='note' data-testid='restore-outcome'>
          Restored {outcome.files} {outcome.files === 1 ? 'file' : 'files'} ({formatBytes(outcome.bytes)}) from {outcome.vaultFolder === '' ? 'the whole vault' : outcome.vaultFolder} into {outcome.target}.
        </p>
      )}
      {stage === 'done' && outcome !== undefined && outcome.failed.length > 0 && (
        <div role='alert' class='alert stack' data-testid='restore-failed'>
          <p>{outcome.failed.length} {outcome.failed.length === 1 ? 'file' : 'files'} could not be restored: {outcome.failed.length === 1 ? 'its' : 'their'} content could not be read on this device. The rest were written.</p>
          <ul class='plain-list small'>{outcome.failed.map(f => <li key={f.path}>{f.path}{isErrorCode(f.code) ? ` — ${messageForCode(f.code)}` : ''}</li>)}</ul>
        </div>
      )}
      <ErrorAlert message={restore.error.value} />
      <div class='actions'>
        <button type='submit' disabled={running || (restore.capability === 'path' && restore.path.value.trim() === '')}>
          {running ? 'Restoring…' : restore.capability === 'picker' ? 'Choose folder and restore…' : 'Restore'}
        </button>
        <button type='button' class='secondary' disabled={running} onClick={restore.close}>{stage === 'done' ? 'Close' : 'Cancel'}</button>
      </div>
    </form>
  )
}
