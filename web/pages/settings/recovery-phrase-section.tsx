import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { RecoveryPhrase } from '../../components/recovery-phrase.tsx'

/** Show the 24 words again, after the passphrase; confirm them when they never were. */
export function RecoveryPhraseSection () {
  const { reveal, vault } = useModels()
  const words = reveal.words.value
  const unconfirmed = vault.status.value?.recoveryPhraseUnconfirmed === true
  return (
    <section class='card' aria-labelledby='settings-recovery'>
      <h2 id='settings-recovery'>Recovery phrase</h2>
      {words === undefined && (
        <>
          <p>The 24 words that open your vault if you forget the passphrase. Make sure nobody is looking at your screen.</p>
          <StatusNote message={reveal.confirmed.value ? 'Recovery phrase confirmed. Keep your copy somewhere safe.' : undefined} />
          <div class='actions'>
            <button type='button' class='secondary' onClick={reveal.open}>Show recovery phrase</button>
          </div>
        </>
      )}
      {words !== undefined && !reveal.checking.value && (
        <>
          {unconfirmed && <p>Write the 24 words down on paper, in order, and keep them somewhere safe. Then type three of them back.</p>}
          <RecoveryPhrase words={words}>
            {unconfirmed && <button type='button' onClick={reveal.startCheck}>I wrote them down</button>}
            <button type='button' class={unconfirmed ? 'secondary' : undefined} onClick={reveal.hide}>Hide</button>
          </RecoveryPhrase>
        </>
      )}
      {words !== undefined && reveal.checking.value && <CheckCopy />}
    </section>
  )
}

/** Three words typed back, by position (as onboarding's "Check your copy"). */
function CheckCopy () {
  const { reveal } = useModels()
  const { confirm } = reveal
  const wrong = confirm.wrongPositions.value
  const answers = confirm.answers.value
  const busy = reveal.busy.value
  return (
    <form class='stack' onSubmit={(e) => { e.preventDefault(); void reveal.confirmWords() }} aria-busy={busy}>
      <p>Type these words from the phrase you wrote down.</p>
      <div class='word-fields'>
        {confirm.positions.value.map((position, i) => (
          <Field
            key={position}
            label={`Word ${position}`}
            value={answers[position] ?? ''}
            onInput={(value) => { confirm.setAnswer(position, value) }}
            invalid={wrong.includes(position)}
            autoFocus={i === 0}
            disabled={busy}
          />
        ))}
      </div>
      <ErrorAlert message={confirm.error.value ?? reveal.error.value} />
      <div class='actions'>
        <button type='submit' disabled={busy}>Confirm</button>
        <button type='button' class='secondary' onClick={reveal.showWords} disabled={busy}>Show the words again</button>
      </div>
    </form>
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
