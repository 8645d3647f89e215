import type { PeerStatus } from './peer-status.ts'

/** The human part of the start-up output (stdout), before the READY line. */
export function startBanner (version: string, peer: { peerId: string, multiaddrs: string[], pairingCode: string | null, dataDir: string }): string {
  const lines = [
    `cairn-peer ${version} is running.`,
    `  Peer ID:  ${peer.peerId}`,
    `  Data:     ${peer.dataDir}`,
    '  Addresses:',
    ...peer.multiaddrs.map((ma) => `    ${ma}`)
  ]
  if (peer.pairingCode !== null) {
    lines.push('', `  One-time pairing code: ${peer.pairingCode}`,
      '  In Cairn: Backup → Add backup peer, then paste one address above and this code.',
      '  (`cairn-peer pair` prints a new code at any time.)')
  }
  return lines.join('\n') + '\n\n'
}

function bytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

/** `cairn-peer status` for people; `--json` gives the whole object instead. */
export function formatStatus (status: PeerStatus): string {
  const lines = [
    `cairn-peer ${status.version}  ${status.peerId}`,
    `data: ${status.dataDir}`,
    `connections: ${status.connections.open} open (${status.connections.relayed} relayed)`,
    `stored: ${status.storage.blocks} blocks, ${bytes(status.storage.bytes)} (${status.storage.packs} pack files, ${bytes(status.storage.packBytes)} on disk)`,
    'addresses:',
    ...status.multiaddrs.map((ma) => `  ${ma}`)
  ]
  if (status.relays.length > 0) {
    lines.push('relays:', ...status.relays.map((relay) =>
      `  ${relay.address}  ${relay.connected ? 'connected' : 'not connected'}${relay.reserved ? ', reserved' : ''}${relay.lastError !== undefined ? ` (${relay.lastError})` : ''}`))
  }
  lines.push(...formatBackup(status.backup))
  return lines.join('\n') + '\n'
}

/** The backup service's part: its status is its own JSON, shown indented. */
function formatBackup (backup: unknown): string[] {
  if (backup === null || backup === undefined) return ['backup: not available in this build']
  return ['backup:', ...JSON.stringify(backup, null, 2).split('\n').map((line) => `  ${line}`)]
}
