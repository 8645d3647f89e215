import type { ReadonlySignal } from '@preact/signals'
import { TextAreaField } from './text-area-field.tsx'

/** What a form that takes the 24 words keeps (the unlock page's "Forgot passphrase" and the restore page). */
export interface RecoveryPhraseState {
  recoveryPhrase: ReadonlySignal<string>
  setRecoveryPhrase: (value: string) => void
  /** "12 of 24 words", or which word is not in the list. */
  phraseHint: ReadonlySignal<string>
  /** The phrase itself was refused, so the error is about this field. */
  phraseRefused: ReadonlySignal<boolean>
}

/** The recovery-phrase box with its word counter; a refused phrase points the field at the form's error. */
export function RecoveryPhraseField ({ state, disabled, errorId }: { state: RecoveryPhraseState, disabled: boolean, errorId: string }) {
  const refused = state.phraseRefused.value
  return (
    <TextAreaField
      label='Recovery phrase'
      value={state.recoveryPhrase.value}
      onInput={state.setRecoveryPhrase}
      placeholder='word word word …'
      disabled={disabled}
      hint={<span data-testid='phrase-count'>{state.phraseHint.value}</span>}
      invalid={refused}
      errorId={refused ? errorId : undefined}
    />
  )
}
