import type { DeviceInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { Field } from '../../components/field.tsx'
import { formatAgo, formatDate } from '../../format.ts'

/** One device: online dot, name (Rename edits it in place), "This device", platform, last seen, fingerprint, Remove. */
export function DeviceRow ({ device }: { device: DeviceInfo }) {
  const { devices, removeDevice } = useModels()
  const editing = devices.editing.value === device.peerId
  const busy = devices.renameBusy.value
  return (
    <li class='card device' aria-label={device.name}>
      <div class='device-head'>
        <span class={`dot ${device.online || device.thisDevice ? 'dot-online' : 'dot-offline'}`} aria-hidden='true' />
        <span class='visually-hidden'>{device.online || device.thisDevice ? 'Online' : 'Offline'}</span>
        {editing
          ? (
            <form class='rename-inline' onSubmit={(e) => { e.preventDefault(); void devices.saveRename() }}>
              <Field label='Device name' value={devices.editValue.value} onInput={devices.setEditValue} autoFocus disabled={busy} />
              <button type='submit' class='small' disabled={busy || devices.editValue.value.trim() === ''}>Save</button>
              <button type='button' class='secondary small' onClick={devices.cancelRename} disabled={busy}>Cancel</button>
            </form>
            )
          : <h2 class='device-name'>{device.name}</h2>}
        {device.thisDevice && <span class='badge badge-online'>This device</span>}
      </div>
      {editing && <ErrorAlert message={devices.renameError.value} />}
      <dl class='facts'>
        <dt>Platform</dt>
        <dd>{device.platform}</dd>
        <dt>Last seen</dt>
        <dd>{lastSeen(device, devices.now.value)}</dd>
        <dt>Added</dt>
        <dd>{formatDate(device.addedAt)}</dd>
        <dt>Fingerprint</dt>
        <dd class='mono' title={device.peerId}>{device.fingerprint}</dd>
      </dl>
      {!editing && (
        <div class='actions'>
          <button type='button' class='secondary small' aria-label={`Rename ${device.name}`} onClick={() => { devices.startRename(device) }}>Rename</button>
          {!device.thisDevice && (
            <button type='button' class='danger-quiet small' aria-label={`Remove ${device.name}`} onClick={() => { removeDevice.start(device) }}>Remove device</button>
          )}
        </div>
      )}
    </li>
  )
}

function lastSeen (device: DeviceInfo, now: number): string {
  if (device.thisDevice || device.online) return 'Now'
  return device.lastSeen === undefined ? 'Not yet' : formatAgo(device.lastSeen, now)
}
