import { CairnError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { DevicePairingMethods } from './device-pairing-handlers.ts'
import type { DeviceMethods } from './node-handlers.ts'

// The devices list and pairing come from device-pairing-handlers.ts (spread in);
// removal and files on demand are wired by their own branches.
export function createDeviceHandlers (pairing: Pick<HandlerMap, DevicePairingMethods>): Pick<HandlerMap, DeviceMethods> {
  const notYet = async (): Promise<never> => { throw new CairnError('INTERNAL', 'devices are not wired yet') }
  return {
    ...pairing,
    'devices.remove': notYet,
    'files.locations': notYet,
    'files.keepLocal': notYet,
    'files.freeUpSpace': notYet,
    'files.resolveConflict': notYet
  }
}
