import type { DeviceInfo } from '../../../core/rpc/api.ts'

/**
 * Which devices a backup peer serves, in words ("Serves: Laptop, Phone"),
 * from the PeerIds whose index chains it holds and the vault's device list.
 * An id the list does not know (a removed device, or one not yet in the
 * book) is "another device".
 */
export function servesText (deviceIds: readonly string[], devices: readonly DeviceInfo[]): string {
  if (deviceIds.length === 0) return 'Serves: no device yet'
  const names = new Map(devices.map(d => [d.peerId, d.thisDevice ? `${d.name} (this device)` : d.name]))
  const known = deviceIds.flatMap(id => names.get(id) ?? [])
  const unknown = deviceIds.length - known.length
  const others = unknown === 0 ? [] : [unknown === 1 ? 'another device' : `${unknown} other devices`]
  return `Serves: ${[...known, ...others].join(', ')}`
}
