import { useEffect } from 'preact/hooks'
import type { NewPassphraseForm } from '../models/new-passphrase-form.ts'

/**
 * What a passphrase needs, said before the first key is typed, with one that
 * passes (random words the node made just now). The example goes once the
 * typed passphrase is accepted.
 */
export function PassphraseRules ({ form }: { form: NewPassphraseForm }) {
  useEffect(() => { void form.check.prefetchExample() }, [form])
  const example = form.check.example.value
  const verdict = form.verdict.value ?? form.check.latest.value?.check
  const accepted = form.passphrase.value !== '' && verdict?.acceptable === true
  return (
    <div class='passphrase-rules' data-testid='passphrase-rules'>
      <p>A good passphrase is four or five words that don't belong together. Cairn accepts it once it is hard to guess:</p>
      <ul>
        <li>Sayings, song lines, names, dates and keyboard patterns are guessed early.</li>
        <li>Length alone is not enough; swapping letters for digits (“p4ssw0rd”) hardly helps.</li>
      </ul>
      {example !== undefined && !accepted && (
        <p>
          For example: <span class='mono wrap' data-testid='passphrase-example'>{example}</span>{' '}
          <span class='muted'>(random words, made on this device just now — use them or make your own)</span>
        </p>
      )}
    </div>
  )
}
