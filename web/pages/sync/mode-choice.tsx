import type { SyncMode } from '../../../core/rpc/api.ts'

const MODES: ReadonlyArray<{ mode: SyncMode, label: string, hint: string }> = [
  { mode: 'backup', label: 'Back up', hint: 'Files go from this folder into the vault.' },
  { mode: 'two-way', label: 'Two-way', hint: 'Changes made on your other devices are written into this folder too.' }
]

/** "Back up" or "Two-way", as a radio group. */
export function ModeChoice ({ name, value, onChange, disabled }: { name: string, value: SyncMode, onChange: (mode: SyncMode) => void, disabled?: boolean }) {
  return (
    <fieldset class='choices'>
      <legend>Mode</legend>
      {MODES.map(m => (
        <label key={m.mode}>
          <input type='radio' name={name} value={m.mode} checked={value === m.mode} disabled={disabled} onChange={() => { onChange(m.mode) }} />
          <span class='choice-text'><strong>{m.label}</strong>{' '}<span class='muted small'>{m.hint}</span></span>
        </label>
      ))}
    </fieldset>
  )
}
