import { useModels } from '../../app-context.ts'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { NewPassphraseFields } from '../../components/new-passphrase-fields.tsx'

/** Change passphrase: only the wrapped vault key changes; files are untouched. */
export function ChangePassphraseSection () {
  const { settings } = useModels()
  const busy = settings.changeBusy.value
  return (
    <section class='card' aria-labelledby='settings-passphrase'>
      <h2 id='settings-passphrase'>Passphrase</h2>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void settings.changePassphrase() }} aria-busy={busy}>
        <Field
          label='Current passphrase'
          type='password'
          autoComplete='current-password'
          value={settings.currentPassphrase.value}
          onInput={settings.setCurrentPassphrase}
          disabled={busy}
        />
        <NewPassphraseFields form={settings.form} label='New passphrase' disabled={busy} />
        <ErrorAlert message={settings.changeError.value} />
        <StatusNote message={settings.changeDone.value ? 'Passphrase changed. Use the new one from now on.' : undefined} />
        <div class='actions'>
          <button type='submit' disabled={!settings.canChange.value}>Change passphrase</button>
          {busy && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Changing…</span>}
        </div>
      </form>
    </section>
  )
}
