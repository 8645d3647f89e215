import { useModels } from '../app-context.ts'

/**
 * Shown on every page while the vault's recovery phrase was never typed back
 * (onboarding was left on "Write down your recovery phrase"). It has no
 * Dismiss: it goes once the user has shown and confirmed the words.
 */
export function PhraseReminder () {
  const { vault, route, reveal } = useModels()
  if (vault.status.value?.recoveryPhraseUnconfirmed !== true) return null
  const writeDown = (): void => {
    route.go('settings')
    if (reveal.words.peek() === undefined) reveal.open()
  }
  return (
    <div role='region' aria-label='Recovery phrase reminder' class='phrase-reminder'>
      <strong>You have not written down your recovery phrase yet.</strong>{' '}
      <span>If you forget your passphrase, its 24 words are the only way back into your files.</span>{' '}
      <button type='button' class='small' onClick={writeDown}>Write it down now</button>
    </div>
  )
}
