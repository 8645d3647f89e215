import { CairnError } from '../errors.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { DeviceMethods } from './node-handlers.ts'

// PLACEHOLDER on the devices branch only: the wiring of issue 10 replaces it. Never merged to main as is.
export function createDeviceHandlers (): Pick<HandlerMap, DeviceMethods> {
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
    'devices.remove': notYet,
    'files.locations': notYet,
    'files.keepLocal': notYet,
    'files.freeUpSpace': notYet,
    'files.resolveConflict': notYet
  }
}
