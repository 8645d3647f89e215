import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { NewPassphraseFields } from '../../components/new-passphrase-fields.tsx'
import { RecoveryPhraseField } from '../../components/recovery-phrase-field.tsx'
import { isDesktopApp } from '../../lib/desktop-host.ts'

/** "Restore a vault": recovery phrase + backup peer address bring the vault back into this browser. */
export function RestoreForm () {
  const { restore } = useModels()
  const busy = restore.busy.value
  const errorId = useId()
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void restore.restore() }} aria-busy={busy}>
      <h1>Restore a vault</h1>
      <p class='lead'>
        Bring your vault back from your backup peer: enter the 24-word recovery phrase, the peer's address,
        and a new passphrase for this {isDesktopApp() ? 'computer' : 'browser'}.
      </p>
      <RecoveryPhraseField state={restore} disabled={busy} errorId={errorId} />
      <Field
        label='Backup peer address'
        value={restore.peerAddress.value}
        onInput={restore.setPeerAddress}
        disabled={busy}
        hint='The address your backup peer prints, for example /ip4/127.0.0.1/tcp/4201/ws/p2p/12D3KooW…'
      />
      <NewPassphraseFields form={restore.form} label='New passphrase' disabled={busy} />
      <ErrorAlert message={restore.error.value} id={errorId} />
      <div class='actions'>
        <button type='submit' disabled={!restore.ready.value || busy}>Restore vault</button>
        <button type='button' class='secondary' onClick={restore.cancel} disabled={busy}>Back</button>
      </div>
      {busy && (
        <p role='status' class='busy'>
          <span class='spinner' aria-hidden='true' />Restoring from your backup peer… This can take a while for a large vault.
        </p>
      )}
    </form>
  )
}
