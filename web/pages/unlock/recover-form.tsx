import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { NewPassphraseFields } from '../../components/new-passphrase-fields.tsx'

/** "Forgot passphrase": the 24 words open the vault and a new passphrase replaces the old one. */
export function RecoverForm () {
  const { unlock } = useModels()
  const phraseId = useId()
  const busy = unlock.busy.value
  const ready = unlock.form.ready.value && unlock.recoveryPhrase.value.trim() !== ''
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void unlock.recover() }} aria-busy={busy}>
      <h1>Recover your vault</h1>
      <p class='lead'>Enter the 24-word recovery phrase you wrote down, then choose a new passphrase.</p>
      <div class='field'>
        <label for={phraseId}>Recovery phrase</label>
        <textarea
          id={phraseId}
          rows={4}
          value={unlock.recoveryPhrase.value}
          onInput={(e) => { unlock.setRecoveryPhrase(e.currentTarget.value) }}
          spellcheck={false}
          autoComplete='off'
          autoCapitalize='off'
          placeholder='word word word …'
          disabled={busy}
        />
      </div>
      <NewPassphraseFields form={unlock.form} label='New passphrase' disabled={busy} />
      <ErrorAlert message={unlock.error.value} />
      <div class='actions'>
        <button type='submit' disabled={!ready || busy}>Recover vault</button>
        <button type='button' class='secondary' onClick={unlock.showUnlock} disabled={busy}>Cancel</button>
        {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Recovering…</span>}
      </div>
    </form>
  )
}
