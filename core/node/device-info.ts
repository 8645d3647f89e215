import { sha256 } from '@noble/hashes/sha2.js'
import type { DeviceEntry } from '../vault/device-directory.ts'
import type { DeviceInfo } from '../rpc/api.ts'

/** A PeerId's short digest for people to compare, e.g. "3F9A 71C2" (the first 32 bits of SHA-256 of its text). */
export function deviceFingerprint (peerId: string): string {
  const hex = [...sha256(new TextEncoder().encode(peerId)).subarray(0, 4)].map(b => b.toString(16).padStart(2, '0')).join('').toUpperCase()
  return `${hex.slice(0, 4)} ${hex.slice(4)}`
}

/** A device as the Devices page shows it. */
export function deviceInfo (entry: DeviceEntry, ownPeerId: string, online: (peerId: string) => boolean): DeviceInfo {
  const thisDevice = entry.peerId === ownPeerId
  return {
    peerId: entry.peerId,
    name: entry.name,
    platform: entry.platform,
    addedAt: entry.addedAt,
    ...(entry.lastSeen !== undefined && !thisDevice ? { lastSeen: entry.lastSeen } : {}),
    fingerprint: deviceFingerprint(entry.peerId),
    thisDevice,
    online: thisDevice || online(entry.peerId)
  }
}
