import type { ComponentChildren } from 'preact'
import { useId } from 'preact/hooks'
import { describedBy } from './field.tsx'

export interface TextAreaFieldProps {
  /** The visible label, also the field's accessible name. */
  label: string
  value: string
  onInput: (value: string) => void
  rows?: number
  placeholder?: string
  /** Shown under the field and linked to it as its description. */
  hint?: ComponentChildren
  invalid?: boolean
  /** The id of the message saying what is wrong with the value (an ErrorAlert), added to the field's description. */
  errorId?: string
  disabled?: boolean
  class?: string
}

/** A labelled multi-line field (recovery phrase, relay addresses): a real <label for>, no spell-check or autocorrect. */
export function TextAreaField (props: TextAreaFieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        rows={props.rows ?? 4}
        value={props.value}
        onInput={(e) => { props.onInput(e.currentTarget.value) }}
        placeholder={props.placeholder}
        aria-invalid={props.invalid === true ? 'true' : undefined}
        aria-describedby={describedBy(props.hint !== undefined ? hintId : undefined, props.errorId)}
        disabled={props.disabled}
        spellcheck={false}
        autoComplete='off'
        autoCapitalize='off'
      />
      {props.hint !== undefined && <div id={hintId} class='field-hint'>{props.hint}</div>}
    </div>
  )
}
