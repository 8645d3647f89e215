import { CairnError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { DeviceMethods } from './node-handlers.ts'
import type { FileLocationMethods } from './file-location-handlers.ts'

// PLACEHOLDER on the devices branch only: the wiring of issue 10 replaces the devices.* part. Never merged to main as is.
// The four files.* methods are served by file-location-handlers.ts and passed in; devices.remove by device-removal-handlers.ts.
export function createDeviceHandlers (fileLocations: Pick<HandlerMap, FileLocationMethods>): Pick<HandlerMap, Exclude<DeviceMethods, 'devices.remove'>> {
  const notYet = async (): Promise<never> => { throw new CairnError('INTERNAL', 'devices are not wired yet') }
  return {
    'devices.list': notYet,
    'devices.rename': notYet,
    'devices.offer': notYet,
    'devices.cancelOffer': notYet,
    'devices.confirm': notYet,
    'devices.join': notYet,
    'devices.finishJoin': notYet,
    'devices.cancelJoin': notYet,
    ...fileLocations
  }
}
