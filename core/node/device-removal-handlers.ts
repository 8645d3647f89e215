import type { HandlerMap } from '../rpc/handlers.ts'
import type { Log } from '../log.ts'
import type { DeviceRemoval, RemovalReport } from '../vault/device-removal.ts'

/**
 * `devices.remove` (core/rpc/api.ts): remove a device, and with `rotate`
 * also rotate the vault key. Spread into the node's handler map over the
 * devices placeholder; the Devices page then lists the device as removed.
 * The call answers `undefined` (the contract); what did not go through (a
 * backup peer that refused or could not be reached, a remaining device no
 * hand-over reaches) is logged at warn.
 */
export function createDeviceRemovalHandlers (removal: Pick<DeviceRemoval, 'remove'>, changed: () => void = () => {}, log?: Log): Pick<HandlerMap, 'devices.remove'> {
  return {
    'devices.remove': async ({ peerId, rotate }) => {
      const report = await removal.remove(peerId, rotate)
      if (log !== undefined) logReport(log, peerId, report)
      changed()
    }
  }
}

function logReport (log: Log, peerId: string, report: RemovalReport): void {
  const short = (id: string): string => `…${id.slice(-8)}`
  log.info(`device ${short(peerId)} removed${report.rotation !== undefined ? '; the vault key was rotated' : ''}`)
  for (const peer of report.peers) {
    if (peer.error !== undefined) log.warn(`backup peer ${short(peer.peer)} did not take the ${report.rotation !== undefined ? 'new key' : 'revocation'}: ${peer.error.message} (${peer.error.code})`)
  }
  for (const device of report.rotation?.unreachable ?? []) {
    log.warn(`device ${short(device)} has no box key, so the new vault key cannot reach it: pair it again`)
  }
}
