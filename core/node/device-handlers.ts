import type { HandlerMap } from '../rpc/handlers.ts'
import type { DevicePairingMethods } from './device-pairing-handlers.ts'
import type { DeviceMethods } from './node-handlers.ts'
import type { FileLocationMethods } from './file-location-handlers.ts'

// The devices list and pairing come from device-pairing-handlers.ts, the four files.* methods from
// file-location-handlers.ts; devices.remove from device-removal-handlers.ts.
export function createDeviceHandlers (pairing: Pick<HandlerMap, DevicePairingMethods>, fileLocations: Pick<HandlerMap, FileLocationMethods>): Pick<HandlerMap, Exclude<DeviceMethods, 'devices.remove'>> {
  return {
    ...pairing,
    ...fileLocations
  }
}
