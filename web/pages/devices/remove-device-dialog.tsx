import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'

/** "Remove device": revoke it, or revoke it and make a new vault key; says what cannot be undone. */
export function RemoveDeviceDialog () {
  const { removeDevice } = useModels()
  const device = removeDevice.removing.value
  if (device === undefined) return null
  const busy = removeDevice.busy.value
  return (
    <Dialog title={`Remove ${device.name}?`} onCancel={removeDevice.cancel}>
      <div class='stack'>
        <p>
          {device.name} will no longer sync with your other devices, and your backup peers will refuse it.
        </p>
        <p>
          <strong>Files it already had cannot be taken back.</strong> Whatever that device has stored or downloaded
          stays readable to whoever holds it.
        </p>
        <p class='muted'>
          “Remove and rotate keys” also makes a new vault key, so that device can read nothing added from now on. It
          takes longer: the file list is sealed again and your backup peers and other devices get the new key.
        </p>
        <ErrorAlert message={removeDevice.error.value} />
        <div class='actions'>
          <button type='button' class='danger' onClick={() => { void removeDevice.confirm(false) }} disabled={busy !== undefined}>Remove</button>
          <button type='button' class='danger' onClick={() => { void removeDevice.confirm(true) }} disabled={busy !== undefined}>Remove and rotate keys</button>
          <button type='button' class='secondary' onClick={removeDevice.cancel} disabled={busy !== undefined} autoFocus>Cancel</button>
          {busy !== undefined && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />{removeDevice.busyWords.value}</span>}
        </div>
      </div>
    </Dialog>
  )
}
