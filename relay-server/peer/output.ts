import type { BackupStatus } from './backup-factory.ts'
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

/** The backup service's part: one line per vault, then its failed items. */
function formatBackup (backup: unknown): string[] {
  if (backup === null || backup === undefined) return ['backup: not running (started without a backup service)']
  const { vaults, fetching, unusedPairingCodes, deletions } = backup as BackupStatus
  const lines = [`vaults: ${vaults.length} paired; ${fetching} root(s) being fetched; ${unusedPairingCodes} unused pairing code(s)`]
  if (deletions !== undefined) {
    lines.push(deletions.appendOnly
      ? 'deletions: refused (append-only); everything stays until the operator frees it'
      : `deletions: unpinned and dropped vault data kept ${duration(deletions.retentionMs)} before it is freed (share copies at once)`)
  }
  for (const vault of vaults) {
    lines.push(`  ${vault.vault.slice(0, 12)}…  paired ${new Date(vault.pairedAt).toISOString().slice(0, 16).replace('T', ' ')}` +
      `  pinned ${vault.pinned}  ${bytes(vault.bytes)} (+${bytes(vault.inFlightBytes ?? 0)} arriving) of ${bytes(vault.quotaBytes)}  pending ${vault.pending}  failed ${vault.failedCount}  unpinning ${vault.unpinning}`)
    for (const item of vault.failed) lines.push(`    failed ${item.cid} after ${item.attempts} attempt(s): ${item.reason}`)
    if (vault.failedCount > vault.failed.length) lines.push(`    … and ${vault.failedCount - vault.failed.length} more failed`)
  }
  return lines
}

function duration (ms: number): string {
  const days = ms / 86_400_000
  if (days >= 1) return `${Math.round(days * 10) / 10} day(s)`
  return `${Math.round(ms / 60_000)} min`
}
