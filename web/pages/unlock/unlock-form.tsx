import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'

export function UnlockForm () {
  const { unlock } = useModels()
  const busy = unlock.busy.value
  const errorId = useId()
  const refused = unlock.passphraseRefused.value
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void unlock.unlock() }} aria-busy={busy}>
      <h1>Your vault is locked</h1>
      {unlock.notice.value !== undefined && <p role='status' class='note'>{unlock.notice.value}</p>}
      <Field
        label='Passphrase'
        type='password'
        autoComplete='current-password'
        value={unlock.passphrase.value}
        onInput={unlock.setPassphrase}
        invalid={refused}
        errorId={refused ? errorId : undefined}
        autoFocus
      />
      <ErrorAlert message={unlock.error.value} id={errorId} />
      <div class='actions'>
        <button type='submit' disabled={busy}>Unlock</button>
        {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Opening your vault…</span>}
      </div>
      <p>
        <button type='button' class='link-button' onClick={unlock.showRecover}>Forgot passphrase?</button>
      </p>
    </form>
  )
}
