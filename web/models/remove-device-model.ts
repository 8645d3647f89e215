import { signal, type ReadonlySignal } from '@preact/signals'
import type { DeviceInfo, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** "Remove device": asks first, then revokes it, with or without a new vault key. */
export interface RemoveDeviceModel {
  /** The device waiting for confirmation (the dialog is open). */
  removing: ReadonlySignal<DeviceInfo | undefined>
  /** Which of the two buttons is running. */
  busy: ReadonlySignal<'remove' | 'rotate' | undefined>
  error: ReadonlySignal<string | undefined>
  start: (device: DeviceInfo) => void
  confirm: (rotate: boolean) => Promise<void>
  cancel: () => void
}

export function createRemoveDeviceModel (client: RpcClient, onRemoved: () => void): RemoveDeviceModel {
  const removing = signal<DeviceInfo | undefined>(undefined)
  const busy = signal<'remove' | 'rotate' | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  return {
    removing,
    busy,
    error,
    start: (device) => {
      removing.value = device
      error.value = undefined
    },
    confirm: async (rotate) => {
      const device = removing.value
      if (device === undefined || busy.value !== undefined) return
      busy.value = rotate ? 'rotate' : 'remove'
      error.value = undefined
      try {
        await client.call('devices.remove', { peerId: device.peerId, rotate })
        removing.value = undefined
        onRemoved()
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = undefined
      }
    },
    cancel: () => {
      if (busy.value !== undefined) return
      removing.value = undefined
    }
  }
}
