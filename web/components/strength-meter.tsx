import type { PassphraseCheck } from '../../core/rpc/api.ts'

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'] as const

export interface StrengthMeterProps {
  /** The node's verdict on the current text; undefined while checking or empty. */
  verdict: PassphraseCheck | undefined
  /** The last verdict (possibly for older text), shown dimmed while the new one is computed. */
  previous: PassphraseCheck | undefined
  empty: boolean
}

/** Passphrase strength as a four-segment bar, a word, and the estimator's reasons and suggestions (the rules and an example that passes: PassphraseRules). */
export function StrengthMeter ({ verdict, previous, empty }: StrengthMeterProps) {
  if (empty) return <div class='strength strength-empty' aria-hidden='true' />
  const shown = verdict ?? previous
  const score = shown?.score ?? 0
  const label = shown === undefined ? 'Checking…' : LABELS[score]
  const feedback = shown === undefined ? [] : [...shown.reasons, ...shown.suggestions]
  return (
    <div class={`strength score-${score} ${verdict === undefined ? 'is-stale' : ''}`}>
      <div class='strength-bar' role='img' aria-label={`Strength: ${label}`}>
        {[1, 2, 3, 4].map(n => <span key={n} class={n <= score ? 'on' : ''} />)}
      </div>
      <p class='strength-label' aria-live='polite'>
        Strength: {label}
        {shown !== undefined && !shown.acceptable && ' — not accepted yet'}
      </p>
      {feedback.length > 0 && (
        <ul class='strength-reasons'>
          {feedback.map(line => <li key={line}>{line}</li>)}
        </ul>
      )}
    </div>
  )
}
