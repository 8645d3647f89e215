import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef } from 'preact/hooks'

export interface FieldProps {
  /** The visible label, also the field's accessible name. */
  label: string
  value: string
  onInput: (value: string) => void
  type?: 'text' | 'password' | 'number' | 'search'
  autoComplete?: string
  /** Shown under the field and linked to it as its description. */
  hint?: ComponentChildren
  invalid?: boolean
  /** The id of the message saying what is wrong with the value (an ErrorAlert beside it), added to the field's description. */
  errorId?: string
  autoFocus?: boolean
  disabled?: boolean
  inputMode?: 'text' | 'decimal' | 'numeric' | 'search'
  step?: string
  class?: string
}

/** A labelled input. The label is a real <label for>, so `getByLabel(label)` finds the input. */
export function Field (props: FieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => { if (props.autoFocus === true) ref.current?.focus() }, [])
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      <input
        ref={ref}
        id={id}
        // Preact's input types are a union keyed on `type`; this one field serves several text-like types.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        onInput={(e) => { props.onInput(e.currentTarget.value) }}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={props.invalid === true ? 'true' : undefined}
        aria-describedby={describedBy(props.hint !== undefined ? hintId : undefined, props.errorId)}
        disabled={props.disabled}
        inputMode={props.inputMode}
        step={props.step}
        spellcheck={false}
        autoCapitalize='off'
      />
      {props.hint !== undefined && <div id={hintId} class='field-hint'>{props.hint}</div>}
    </div>
  )
}

/** The ids an input's aria-describedby lists, or undefined for none. */
export function describedBy (...ids: Array<string | undefined>): string | undefined {
  const listed = ids.filter((id): id is string => id !== undefined && id !== '')
  return listed.length > 0 ? listed.join(' ') : undefined
}
