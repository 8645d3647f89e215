import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'

/**
 * "Relay addresses only": the link tells a recipient to reach your backup
 * peer and this device through your relay, never at their own address, so
 * it does not give away your home or LAN address. On by default.
 */
export function RelayOnlyField ({ disabled }: { disabled: boolean }) {
  const { shares } = useModels()
  const id = useId()
  return (
    <div class='field'>
      <label class='check'>
        <input
          type='checkbox'
          checked={shares.relayOnly.value}
          onChange={(e) => { shares.setRelayOnly(e.currentTarget.checked) }}
          aria-describedby={`${id}-hint`}
          disabled={disabled}
        />
        Relay addresses only
      </label>
      <div id={`${id}-hint`} class='field-hint'>
        The link reaches your backup peer and this device through your relay, so it does not show anyone your home or office network address. Untick it for a faster direct address when the recipient is on the same network.
      </div>
    </div>
  )
}
