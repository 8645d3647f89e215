import { useState } from 'preact/hooks'
import { RESCAN_SECONDS_MAX, RESCAN_SECONDS_MIN } from '../../../core/rpc/api-sync.ts'

/**
 * "Rescan every N seconds": the schedule that finds changes a watcher
 * missed (every browser, and folders no watcher can see). Saved on Save;
 * a number out of range is explained, not sent.
 */
export function RescanInterval ({ id, seconds, disabled, onSave }: { id: string, seconds: number, disabled: boolean, onSave: (seconds: number) => Promise<void> }) {
  const [text, setText] = useState(String(seconds))
  const value = Number(text)
  const valid = text.trim() !== '' && Number.isInteger(value) && value >= RESCAN_SECONDS_MIN && value <= RESCAN_SECONDS_MAX
  const fieldId = `rescan-${id}`
  const hintId = `${fieldId}-hint`
  const submit = (e: Event): void => {
    e.preventDefault()
    if (valid && value !== seconds) void onSave(value)
  }
  return (
    <form class='rescan-interval' onSubmit={submit}>
      <label for={fieldId}>Rescan every (seconds)</label>
      <input
        id={fieldId}
        type='number'
        inputMode='numeric'
        min={RESCAN_SECONDS_MIN}
        max={RESCAN_SECONDS_MAX}
        step={1}
        value={text}
        disabled={disabled}
        aria-invalid={!valid}
        aria-describedby={hintId}
        onInput={(e) => { setText(e.currentTarget.value) }}
      />
      <button type='submit' class='secondary' disabled={disabled || !valid || value === seconds}>Save</button>
      <p id={hintId} class={valid ? 'muted small' : 'field-error small'}>
        {valid
          ? 'Changes are also picked up as they happen where the system tells Cairn; this scan finds the rest.'
          : `A whole number from ${RESCAN_SECONDS_MIN} to ${RESCAN_SECONDS_MAX} (a day).`}
      </p>
    </form>
  )
}
