import { deviceInfo } from './device-info.ts'
import type { DeviceJoins } from './device-joins.ts'
import type { DeviceOffers } from './device-offers.ts'
import type { DeviceDirectory } from '../vault/device-directory.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { DeviceInfo } from '../rpc/api.ts'

/** The devices list and pairing (issue 10); `devices.remove` and files-on-demand are served elsewhere. */
export type DevicePairingMethods = 'devices.list' | 'devices.rename' | 'devices.offer' | 'devices.cancelOffer' | 'devices.confirm' | 'devices.join' | 'devices.finishJoin' | 'devices.cancelJoin'

export interface DevicePairingHandlerComponents {
  directory: DeviceDirectory
  offers: DeviceOffers
  joins: DeviceJoins
  /** This device's PeerId. */
  peerId: string
  /** True when this node has a connection to `peerId` now. */
  online: (peerId: string) => boolean
}

/** The devices list as the UI shows it: current members, this device first, then by when they joined. */
export async function listDevices (c: Pick<DevicePairingHandlerComponents, 'directory' | 'peerId' | 'online'>): Promise<DeviceInfo[]> {
  const members = (await c.directory.list()).filter(d => d.removedAt === undefined).map(d => deviceInfo(d, c.peerId, c.online))
  return [...members.filter(d => d.thisDevice), ...members.filter(d => !d.thisDevice)]
}

export function createDevicePairingHandlers (c: DevicePairingHandlerComponents): Pick<HandlerMap, DevicePairingMethods> {
  return {
    'devices.list': async () => await listDevices(c),
    'devices.rename': async ({ peerId, name }) => deviceInfo(await c.directory.rename(peerId, name), c.peerId, c.online),
    'devices.offer': async () => await c.offers.offer(),
    'devices.cancelOffer': async ({ offerId }) => { c.offers.cancel(offerId) },
    'devices.confirm': async ({ id, accept }) => { c.offers.confirm(id, accept) },
    'devices.join': async ({ offer }) => await c.joins.join(offer),
    'devices.finishJoin': async ({ id, newPassphrase }) => await c.joins.finish(id, newPassphrase),
    'devices.cancelJoin': async ({ id }) => { c.joins.cancel(id) }
  }
}
