import { useState } from 'preact/hooks'
import { CairnMark } from '../components/cairn-mark.tsx'
import { ErrorAlert } from '../components/error-alert.tsx'
import { formatBytes, formatPercent } from '../format.ts'
import { shareDownloadUrl } from '../../core/rpc/service-worker-urls.ts'
import { SharePreview } from './share-preview.tsx'
import { SharedFolder } from './shared-folder.tsx'
import type { SaveToVaultModel } from './save-to-vault-model.ts'
import type { ShareModel } from './share-model.ts'

/** core/share/folder-listing.ts FOLDER_SHARE_TYPE (web/ reaches core only for types and words). */
const FOLDER_TYPE = 'application/vnd.cairn.folder+json'

const UNNAMED = 'A shared file'

/** The sender's name, or words for one with nothing to show (a link may carry an empty name): never an empty heading. */
function shownName (name: string): string {
  return name.trim() === '' ? UNNAMED : name
}

/** What someone who opened a share link sees: the file, its preview, Download, and (with Cairn) Save to my vault. */
export function SharePage ({ share, save }: { share: ShareModel, save: SaveToVaultModel }) {
  const meta = share.meta.value
  const state = share.state.value
  return (
    <main class='centered share-page'>
      <div class='card stack'>
        <p class='brand'><CairnMark />Cairn</p>
        <h1>{meta !== undefined ? shownName(meta.name) : UNNAMED}</h1>
        {meta !== undefined && meta.type !== FOLDER_TYPE && <p class='hint wrap'>{formatBytes(meta.size)}{meta.type !== '' ? ` · ${meta.type}` : ''}</p>}
        {meta?.type === FOLDER_TYPE && <p class='hint'>A shared folder</p>}
        {state === 'opening' && <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Looking for the file…</p>}
        {(state === 'damaged' || state === 'unavailable' || state === 'failed') && <ErrorAlert message={share.error.value} />}
        {(state === 'unavailable' || state === 'failed') && (
          <div class='actions'><button type='button' onClick={share.retry}>Try again</button></div>
        )}
        {state === 'ready' && meta !== undefined && <Ready share={share} save={save} />}
        <p class='hint'>
          The file is fetched peer to peer and decrypted in this browser. The key is in the part of the link after “#”,
          which is never sent to any server.
        </p>
      </div>
    </main>
  )
}

function Ready ({ share, save }: { share: ShareModel, save: SaveToVaultModel }) {
  const meta = share.meta.value
  if (meta === undefined) return null
  if (!share.downloadsReady.value) return <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Preparing the download…</p>
  const folder = share.files.value
  // A download or preview that broke off (a save's own stream says why in the save's place: share-app.tsx).
  const broken = share.streamError.value
  const brokenAlert = broken !== undefined && <ErrorAlert message={`The file stopped arriving before its end. ${broken}`} />
  if (folder !== undefined) {
    return (
      <>
        <SharedFolder files={folder} token={share.token} onDownload={share.clearStreamError} />
        {brokenAlert}
        <SaveToVault save={save} size={folder.reduce((sum, f) => sum + f.size, 0)} beforeSave={share.clearStreamError} />
      </>
    )
  }
  return (
    <>
      <div class='actions'>
        <a class='button-link primary' href={shareDownloadUrl(share.token)} aria-label={`Download ${shownName(meta.name)}`} onClick={share.clearStreamError}>Download</a>
      </div>
      {brokenAlert}
      <SharePreview meta={meta} url={shareDownloadUrl(share.token, true)} />
      <SaveToVault save={save} size={meta.size} beforeSave={share.clearStreamError} />
    </>
  )
}

const CAIRN_FILES = '/#/files'

/**
 * The share page was chosen when the page loaded (web/main.tsx), so a link to
 * '/#/files' would only change the hash: switch this tab to the vault app
 * instead, on the client that just saved (a reload would restart the node and
 * ask for the passphrase again). Modified clicks (new tab) keep the plain link.
 */
function openCairn (event: MouseEvent, save: SaveToVaultModel): void {
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return
  event.preventDefault()
  history.pushState(null, '', CAIRN_FILES)
  save.openCairn()
}

/** `beforeSave` forgets an earlier download's failure: the alert is about the last try. */
function SaveToVault ({ save, size, beforeSave }: { save: SaveToVaultModel, size: number, beforeSave: () => void }) {
  const [passphrase, setPassphrase] = useState('')
  const state = save.state.value
  if (state === 'absent') return null
  return (
    <section class='stack' aria-label='Save to my vault'>
      {(state === 'idle' || state === 'failed') && (
        <div class='actions'><button type='button' class='secondary' onClick={() => { beforeSave(); void save.save() }}>Save to my vault</button></div>
      )}
      {state === 'locked' && (
        <form class='stack' onSubmit={(e) => { e.preventDefault(); beforeSave(); void save.unlock(passphrase) }}>
          <label>
            Passphrase of your vault
            <input type='password' autocomplete='current-password' value={passphrase} onInput={(e) => { setPassphrase(e.currentTarget.value) }} />
          </label>
          <div class='actions'><button type='submit'>Unlock and save</button></div>
        </form>
      )}
      {state === 'saving' && <p role='status' class='busy'><span class='spinner' aria-hidden='true' />Saving to your vault… {formatPercent(save.bytesDone.value, size)}</p>}
      {state === 'saved' && <p role='status' class='note'>Saved to your vault. <a href={CAIRN_FILES} onClick={(e) => { openCairn(e, save) }}>Open Cairn</a></p>}
      <ErrorAlert message={save.error.value} />
    </section>
  )
}
