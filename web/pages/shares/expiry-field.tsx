import { useId } from 'preact/hooks'
import { localDateValue } from '../../models/share-fields.ts'

export interface ExpiryFieldProps {
  /** "YYYY-MM-DD" or '' for never. */
  value: string
  onInput: (value: string) => void
  /** The form's error is about the date (only a set date can be wrong). */
  invalid: boolean
  disabled: boolean
}

/** "Expires on (optional)": a date, meaning until the end of that local day. */
export function ExpiryField (props: ExpiryFieldProps) {
  const id = useId()
  return (
    <div class='field'>
      <label for={id}>Expires on (optional)</label>
      <input
        id={id}
        type='date'
        class='date-input'
        min={localDateValue(Date.now())}
        value={props.value}
        onInput={(e) => { props.onInput(e.currentTarget.value) }}
        aria-invalid={props.invalid && props.value !== '' ? 'true' : undefined}
        aria-describedby={`${id}-hint`}
        disabled={props.disabled}
      />
      <div id={`${id}-hint`} class='field-hint'>Leave it empty for a link that works until you stop sharing. A date means until the end of that day.</div>
    </div>
  )
}
