import { signal, type ReadonlySignal } from '@preact/signals'
import type { DeviceInfo, RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { liveRefresh, type IntervalTimers } from '../lib/live-refresh.ts'

/** How often the Devices page re-reads the list while open ("last seen" and online dots move without events). */
export const DEVICES_REFRESH_MS = 15_000

export interface DevicesInit {
  client: RpcClient
  pollMs?: number
  timers?: IntervalTimers
  /** Milliseconds clock for "last seen 2 min ago" (Date.now in the page). */
  now?: () => number
}

/** The Devices page's list: every device of the vault, and renaming one inline. */
export interface DevicesModel {
  devices: ReadonlySignal<DeviceInfo[]>
  /** False until the first list arrives. */
  loaded: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The clock when the list was last read. */
  now: ReadonlySignal<number>
  /** The device whose name is being edited, the text, and how saving went. */
  editing: ReadonlySignal<string | undefined>
  editValue: ReadonlySignal<string>
  renameBusy: ReadonlySignal<boolean>
  renameError: ReadonlySignal<string | undefined>
  /** Refreshes now, on `devices.changed` and on a timer; returns the stop (call it when the page closes). */
  open: () => () => void
  refresh: () => Promise<void>
  startRename: (device: DeviceInfo) => void
  setEditValue: (value: string) => void
  saveRename: () => Promise<void>
  cancelRename: () => void
  reset: () => void
}

export function createDevicesModel (init: DevicesInit): DevicesModel {
  const { client } = init
  const clock = init.now ?? Date.now
  const devices = signal<DeviceInfo[]>([])
  const loaded = signal(false)
  const error = signal<string | undefined>(undefined)
  const now = signal(clock())
  const editing = signal<string | undefined>(undefined)
  const editValue = signal('')
  const renameBusy = signal(false)
  const renameError = signal<string | undefined>(undefined)

  const refresh = async (): Promise<void> => {
    try {
      const list = await client.call('devices.list', undefined)
      // This device first, whatever order the node keeps.
      devices.value = [...list].sort((a, b) => Number(b.thisDevice) - Number(a.thisDevice))
      loaded.value = true
      error.value = undefined
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      now.value = clock()
    }
  }

  return {
    devices,
    loaded,
    error,
    now,
    editing,
    editValue,
    renameBusy,
    renameError,
    open: () => liveRefresh(client, 'devices.changed', refresh, init.pollMs ?? DEVICES_REFRESH_MS, init.timers),
    refresh,
    startRename: (device) => {
      editing.value = device.peerId
      editValue.value = device.name
      renameError.value = undefined
    },
    setEditValue: (value) => { editValue.value = value },
    saveRename: async () => {
      const peerId = editing.value
      if (peerId === undefined || renameBusy.value) return
      const name = editValue.value.trim()
      const before = devices.value.find(d => d.peerId === peerId)
      if (name === '' || name === before?.name) {
        editing.value = undefined
        return
      }
      renameBusy.value = true
      renameError.value = undefined
      try {
        const updated = await client.call('devices.rename', { peerId, name })
        devices.value = devices.value.map(d => d.peerId === updated.peerId ? updated : d)
        editing.value = undefined
      } catch (err) {
        renameError.value = errorMessage(err)
      } finally {
        renameBusy.value = false
      }
    },
    cancelRename: () => { editing.value = undefined },
    reset: () => {
      devices.value = []
      loaded.value = false
      error.value = undefined
      editing.value = undefined
      renameError.value = undefined
    }
  }
}
