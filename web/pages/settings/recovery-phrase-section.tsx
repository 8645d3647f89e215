import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { RecoveryPhrase } from '../../components/recovery-phrase.tsx'

/** Show the 24 words again, after the passphrase. */
export function RecoveryPhraseSection () {
  const { reveal } = useModels()
  const words = reveal.words.value
  return (
    <section class='card' aria-labelledby='settings-recovery'>
      <h2 id='settings-recovery'>Recovery phrase</h2>
      {words === undefined
        ? (
          <>
            <p>The 24 words that open your vault if you forget the passphrase. Make sure nobody is looking at your screen.</p>
            <div class='actions'>
              <button type='button' class='secondary' onClick={reveal.open}>Show recovery phrase</button>
            </div>
          </>
          )
        : (
          <RecoveryPhrase words={words}>
            <button type='button' onClick={reveal.hide}>Hide</button>
          </RecoveryPhrase>
          )}
    </section>
  )
}

/** Asks for the passphrase before the words are shown (rendered by the app's dialog layer). */
export function RevealDialog () {
  const { reveal } = useModels()
  if (!reveal.asking.value) return null
  const busy = reveal.busy.value
  return (
    <Dialog title='Show recovery phrase' onCancel={reveal.cancel}>
      <form class='stack' onSubmit={(e) => { e.preventDefault(); void reveal.reveal() }} aria-busy={busy}>
        <p>Enter your passphrase to see the recovery phrase.</p>
        <Field label='Passphrase' type='password' autoComplete='current-password' value={reveal.passphrase.value} onInput={reveal.setPassphrase} autoFocus disabled={busy} />
        <ErrorAlert message={reveal.error.value} />
        <div class='actions'>
          <button type='submit' disabled={busy || reveal.passphrase.value === ''}>Show recovery phrase</button>
          <button type='button' class='secondary' onClick={reveal.cancel} disabled={busy}>Cancel</button>
        </div>
      </form>
    </Dialog>
  )
}
