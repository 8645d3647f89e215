import { useEffect } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { DeviceRow } from './device-row.tsx'

/** Every device of the vault: name (editable), platform, last seen, fingerprint; add and remove. Live while open. */
export function DevicesPage () {
  const { devices, addDevice, removeDevice } = useModels()
  const removed = removeDevice.done.value
  useEffect(() => devices.open(), [])
  const list = devices.devices.value
  return (
    <div class='page devices-page'>
      <div class='page-head'>
        <h1>Devices</h1>
        <button type='button' onClick={() => { void addDevice.open() }}>Add a device</button>
      </div>
      <p class='muted'>
        Every device here holds your vault's key and sees the same files. Add your phone or another computer with
        “Add a device”; remove one you lost or sold.
      </p>
      <ErrorAlert message={devices.error.value} />
      {removed !== undefined && (
        <p role='status' class='note'>
          {removed} <button type='button' class='link-button' onClick={removeDevice.dismiss}>Dismiss</button>
        </p>
      )}
      {!devices.loaded.value && devices.error.value === undefined && <p class='muted'>Loading…</p>}
      {devices.loaded.value && (
        <ul class='device-list' aria-label='Devices'>
          {list.map(device => <DeviceRow key={device.peerId} device={device} />)}
        </ul>
      )}
    </div>
  )
}
