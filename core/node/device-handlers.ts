import { CairnError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { DevicePairingMethods } from './device-pairing-handlers.ts'
import type { DeviceMethods } from './node-handlers.ts'
import type { FileLocationMethods } from './file-location-handlers.ts'

// The devices list and pairing come from device-pairing-handlers.ts, the four files.* methods from
// file-location-handlers.ts; removal is wired by its own branch.
export function createDeviceHandlers (pairing: Pick<HandlerMap, DevicePairingMethods>, fileLocations: Pick<HandlerMap, FileLocationMethods>): Pick<HandlerMap, DeviceMethods> {
  const notYet = async (): Promise<never> => { throw new CairnError('INTERNAL', 'devices are not wired yet') }
  return {
    ...pairing,
    'devices.remove': notYet,
    ...fileLocations
  }
}
