import { useEffect, useId, useRef } from 'preact/hooks'
import type { FileInfo, ShareInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { CopyButton } from '../../components/copy-button.tsx'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { QrCode } from '../../components/qr-code.tsx'
import { subjectPath } from '../../models/shares-model.ts'
import { ExpiryField } from './expiry-field.tsx'
import { RelayOnlyField } from './relay-only-field.tsx'
import { formatExpiryDate } from './share-format.ts'
import { shareHoldWords } from '../../models/share-hold-words.ts'

/**
 * "Share" on a file: an optional expiry, Create link, then the link to copy,
 * scan or hand to the share sheet. "Share folder" opens it with the folder's
 * link already made.
 */
export function ShareDialog () {
  const { shares } = useModels()
  const subject = shares.sharing.value
  if (subject === undefined) return null
  const created = shares.created.value
  const isFile = 'file' in subject
  return (
    <Dialog title={`Share ${subjectPath(subject)}`} onCancel={shares.closeShare}>
      <div class='stack share-dialog'>
        {created !== undefined ? <ShareLink share={created} /> : isFile && <CreateForm file={subject.file} />}
        <p class='small'>
          {isFile
            ? 'Anyone with this link can open the file. Stopping the share later does not take it back from someone who already downloaded it.'
            : 'Anyone with this link can open these files as they are now; files you add to the folder later are not shared. Stopping the share later does not take the files back from someone who already downloaded them.'}
        </p>
        {created !== undefined && (
          <div class='actions'>
            <button type='button' onClick={shares.closeShare}>Done</button>
          </div>
        )}
      </div>
    </Dialog>
  )
}

function CreateForm ({ file }: { file: FileInfo }) {
  const { shares } = useModels()
  const busy = shares.createBusy.value
  const error = shares.createError.value
  return (
    // noValidate: a past date gets the app's message, not the browser's bubble for `min`.
    <form class='stack' noValidate onSubmit={(e) => { e.preventDefault(); void shares.create() }}>
      <ExpiryField value={shares.expiresOn.value} onInput={shares.setExpiresOn} invalid={error !== undefined} disabled={busy} />
      <RelayOnlyField disabled={busy} />
      <ErrorAlert message={error} />
      {busy && (
        <p role='status' class='busy'>
          <span class='spinner' aria-hidden='true' />Making an encrypted copy of {file.path} for the link. Big files take a while.
        </p>
      )}
      <div class='actions'>
        <button type='submit' disabled={busy}>{busy ? 'Creating link…' : 'Create link'}</button>
        <button type='button' class='secondary' onClick={shares.closeShare}>Cancel</button>
      </div>
    </form>
  )
}

function ShareLink ({ share }: { share: ShareInfo }) {
  const { shares, toasts } = useModels()
  const id = useId()
  const field = useRef<HTMLInputElement>(null)
  // The Create link button focus was on is gone: put focus on the link itself.
  useEffect(() => { field.current?.focus() }, [])
  const showQr = shares.showQr.value
  return (
    <div class='stack'>
      <div class='field'>
        <label for={id}>Share link</label>
        <input
          ref={field}
          id={id}
          type='text'
          class='mono'
          readOnly
          value={share.link}
          onFocus={(e) => { e.currentTarget.select() }}
          spellcheck={false}
        />
      </div>
      <div class='actions'>
        <CopyButton text={() => share.link} label='Copy link' onCopied={(ok) => { toasts.show(ok ? { tone: 'done', text: 'Share link copied' } : { tone: 'error', text: "Couldn't copy the link — select it and copy it instead." }) }} />
        <button type='button' class='secondary' onClick={shares.toggleQr}>{showQr ? 'Hide QR code' : 'Show QR code'}</button>
        {shares.canShareNative && <button type='button' class='secondary' onClick={() => { void shares.shareNative() }}>Share…</button>}
      </div>
      <ErrorAlert message={shares.nativeShareError.value} />
      {showQr && <div class='qr-box'><QrCode text={share.link} label='QR code of the share link' /></div>}
      <p class='small'>
        {share.expiresAt === undefined ? 'The link works until you stop sharing.' : `The link works until the end of ${formatExpiryDate(share.expiresAt)}.`}
        {' '}
        {shareHoldWords(share.pinnedOn.length, shares.backupPeers.value)}
      </p>
    </div>
  )
}
