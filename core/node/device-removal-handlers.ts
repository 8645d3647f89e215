import type { HandlerMap } from '../rpc/handlers.ts'
import type { DeviceRemoval } from '../vault/device-removal.ts'

/**
 * `devices.remove` (core/rpc/api.ts): remove a device, and with `rotate`
 * also rotate the vault key. Spread into the node's handler map over the
 * devices placeholder; the Devices page then lists the device as removed.
 */
export function createDeviceRemovalHandlers (removal: DeviceRemoval, changed: () => void = () => {}): Pick<HandlerMap, 'devices.remove'> {
  return {
    'devices.remove': async ({ peerId, rotate }) => {
      await removal.remove(peerId, rotate)
      changed()
    }
  }
}
