import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { NewPassphraseFields } from '../../components/new-passphrase-fields.tsx'
import { RecoveryPhraseField } from '../../components/recovery-phrase-field.tsx'

/** "Forgot passphrase": the 24 words open the vault and a new passphrase replaces the old one. */
export function RecoverForm () {
  const { unlock } = useModels()
  const errorId = useId()
  const busy = unlock.busy.value
  const ready = unlock.form.ready.value && unlock.recoveryPhrase.value.trim() !== ''
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void unlock.recover() }} aria-busy={busy}>
      <h1>Recover your vault</h1>
      <p class='lead'>Enter the 24-word recovery phrase you wrote down, then choose a new passphrase.</p>
      <RecoveryPhraseField state={unlock} disabled={busy} errorId={errorId} />
      <NewPassphraseFields form={unlock.form} label='New passphrase' disabled={busy} />
      <ErrorAlert message={unlock.error.value} id={errorId} />
      <div class='actions'>
        <button type='submit' disabled={!ready || busy}>Recover vault</button>
        <button type='button' class='secondary' onClick={unlock.showUnlock} disabled={busy}>Cancel</button>
        {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Recovering…</span>}
      </div>
    </form>
  )
}
