import { useModels } from '../../app-context.ts'
import { RecoveryPhrase } from '../../components/recovery-phrase.tsx'

/** Step 2: the 24-word recovery phrase, shown once. */
export function PhraseStep () {
  const { onboarding } = useModels()
  return (
    <div class='stack'>
      <h1>Write down your recovery phrase</h1>
      <p class='lead'>
        These 24 words are the only way back into your vault if you forget the passphrase.
        Write them down on paper, in order, and keep them somewhere safe. Anyone with them can open your files.
      </p>
      <RecoveryPhrase words={onboarding.words.value} />
      <p class='hint'>Next you will type three of the words back, to be sure they were written down correctly.</p>
      <div class='actions'>
        <button type='button' onClick={onboarding.toConfirm}>Continue</button>
      </div>
    </div>
  )
}
