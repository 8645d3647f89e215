import { useId } from 'preact/hooks'
import { useModels } from '../../app-context.ts'

/**
 * "Relay addresses only": the link tells a recipient to reach your backup
 * peer and this device through your relay, never at their own address, so
 * it does not give away your backup peer's own address. Off by default:
 * it needs a relay your backup peer keeps a reservation on.
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
        The link reaches your backup peer and this device only through your relay, so it does not show anyone your backup peer's own address. Direct addresses are faster; a relay is needed for this, and your backup peer must keep a reservation on it.
      </div>
    </div>
  )
}
