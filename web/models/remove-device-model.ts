import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { DeviceInfo, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** What the dialog says while each kind of removal runs (a rotation re-seals the index and re-pairs the peers: it can take a while). */
export const REMOVE_BUSY_WORDS = {
  remove: 'Removing the device…',
  rotate: "Changing the vault's keys… keep this tab open"
} as const

/** What the Devices page says once a removal is done. */
export const REMOVED_WORDS = {
  remove: 'Removed. It can no longer sync with your devices or reach your backup peers.',
  rotate: 'Removed. New files are under a new key it never had.'
} as const

/** "Remove device": asks first, then revokes it, with or without a new vault key. */
export interface RemoveDeviceModel {
  /** The device waiting for confirmation (the dialog is open). */
  removing: ReadonlySignal<DeviceInfo | undefined>
  /** Which of the two buttons is running. */
  busy: ReadonlySignal<'remove' | 'rotate' | undefined>
  /** The busy state in words (REMOVE_BUSY_WORDS), while one runs. */
  busyWords: ReadonlySignal<string | undefined>
  /** What the last removal did, in words (REMOVED_WORDS), until the next starts or it is dismissed. */
  done: ReadonlySignal<string | undefined>
  error: ReadonlySignal<string | undefined>
  start: (device: DeviceInfo) => void
  confirm: (rotate: boolean) => Promise<void>
  cancel: () => void
  dismiss: () => void
}

export function createRemoveDeviceModel (client: RpcClient, onRemoved: () => void): RemoveDeviceModel {
  const removing = signal<DeviceInfo | undefined>(undefined)
  const busy = signal<'remove' | 'rotate' | undefined>(undefined)
  const done = signal<string | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  return {
    removing,
    busy,
    busyWords: computed(() => busy.value === undefined ? undefined : REMOVE_BUSY_WORDS[busy.value]),
    done,
    error,
    start: (device) => {
      removing.value = device
      error.value = undefined
      done.value = undefined
    },
    confirm: async (rotate) => {
      const device = removing.value
      if (device === undefined || busy.value !== undefined) return
      const kind = rotate ? 'rotate' : 'remove'
      busy.value = kind
      error.value = undefined
      try {
        await client.call('devices.remove', { peerId: device.peerId, rotate })
        removing.value = undefined
        done.value = REMOVED_WORDS[kind]
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
    },
    dismiss: () => { done.value = undefined }
  }
}
