import { safetyGroups } from '../../models/pairing-words.ts'

/** A safety number, big, in digit groups to read aloud; the same on both screens. */
export function SafetyNumber ({ value }: { value: string }) {
  return (
    <p class='safety-number' aria-label={`Safety number ${value}`} data-testid='safety-number'>
      {safetyGroups(value).map((group, i) => <span key={i} class='digit-group'>{group}</span>)}
    </p>
  )
}
