import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { ExpiryField } from './expiry-field.tsx'
import { RelayOnlyField } from './relay-only-field.tsx'

/** "Share a folder": pick a folder and an optional expiry; the Share dialog then shows the snapshot's link. */
export function ShareFolderForm () {
  const { shares } = useModels()
  const selectId = useId()
  const folders = shares.folders.value
  const choice = shares.folderChoice.value
  const busy = shares.folderBusy.value
  const error = shares.folderError.value
  return (
    <section class='card stack share-folder' aria-labelledby={`${selectId}-heading`}>
      <h2 id={`${selectId}-heading`}>Share a folder</h2>
      {!shares.foldersLoaded.value
        ? <p class='muted'>Loading your folders…</p>
        : folders.length === 0
          ? <p class='muted'>No folders yet. Put files in a folder (for example photos/cat.jpg) to share the folder.</p>
          : (
            // noValidate: a past date gets the app's message, not the browser's bubble for `min`.
            <form class='stack' noValidate onSubmit={(e) => { e.preventDefault(); void shares.shareFolder() }}>
              <p class='hint'>The link shares the files in the folder as they are now. Files you add to it later are not in it.</p>
              <div class='field'>
                <label for={selectId}>Folder</label>
                <select id={selectId} value={choice} disabled={busy} onChange={(e) => { shares.chooseFolder(e.currentTarget.value) }}>
                  {folders.map(folder => <option key={folder} value={folder}>{folder}</option>)}
                </select>
              </div>
              <ExpiryField value={shares.folderExpiresOn.value} onInput={shares.setFolderExpiresOn} invalid={error !== undefined} disabled={busy} />
              <RelayOnlyField disabled={busy} />
              {busy && (
                <p role='status' class='busy'>
                  <span class='spinner' aria-hidden='true' />Making an encrypted copy of every file in {choice} for the link. Big folders take a while.
                </p>
              )}
              <div class='actions'>
                <button type='submit' disabled={busy}>{busy ? 'Sharing folder…' : 'Share folder'}</button>
              </div>
            </form>
            )}
      <ErrorAlert message={error} />
    </section>
  )
}
