import { useState } from 'preact/hooks'
import { RESCAN_SECONDS_MAX, RESCAN_SECONDS_MIN } from '../../../core/rpc/api-sync.ts'
import { Field } from '../../components/field.tsx'

/**
 * "Rescan every N seconds": the schedule that finds changes a watcher
 * missed (every browser, and folders no watcher can see). Saved on Save;
 * a number out of range is explained, not sent.
 */
export function RescanInterval ({ seconds, disabled, onSave }: { seconds: number, disabled: boolean, onSave: (seconds: number) => Promise<void> }) {
  const [text, setText] = useState(String(seconds))
  const value = Number(text)
  const valid = text.trim() !== '' && Number.isInteger(value) && value >= RESCAN_SECONDS_MIN && value <= RESCAN_SECONDS_MAX
  const submit = (e: Event): void => {
    e.preventDefault()
    if (valid && value !== seconds) void onSave(value)
  }
  return (
    <form class='rescan-interval' onSubmit={submit}>
      <Field
        class='narrow'
        label='Rescan every (seconds)'
        type='number'
        inputMode='numeric'
        step='1'
        value={text}
        onInput={setText}
        disabled={disabled}
        invalid={!valid}
        hint={valid
          ? 'Changes are also picked up as they happen where the system tells Cairn; this scan finds the rest.'
          : <span class='field-error'>A whole number from {RESCAN_SECONDS_MIN} to {RESCAN_SECONDS_MAX} (a day).</span>}
      />
      <button type='submit' class='secondary' disabled={disabled || !valid || value === seconds}>Save</button>
    </form>
  )
}
