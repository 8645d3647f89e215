import type { Notice } from '../rpc/api-notices.ts'

/*
 * The words of each notice: plain, for someone who has never heard of a CID
 * or a peer id. Kept apart from the watching (notices.ts) so both stay short.
 */

/** "1 file", "3 files". */
function files (count: number): string {
  return `${count} ${count === 1 ? 'file' : 'files'}`
}

/** Bytes as a user reads them: "850 KB", "1.2 GB". */
export function sizeWords (bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++ }
  return unit === 0 ? `${value} bytes` : `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}

/** The last part of a path: a notice names the file, not every folder above it. */
function fileName (path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

export function backupDoneNotice (count: number, bytes: number, at: number): Notice {
  return {
    kind: 'backup-done',
    title: 'Backup finished',
    body: `${files(count)} (${sizeWords(bytes)}) ${count === 1 ? 'is' : 'are'} now safe on your backup peer.`,
    id: `backup-done:${at}`
  }
}

export function syncConflictNotice (paths: string[], at: number): Notice {
  const first = paths[0] ?? ''
  return {
    kind: 'sync-conflict',
    title: 'Sync conflict',
    body: paths.length === 1
      ? `“${fileName(first)}” was changed on two devices at once. Both copies are kept: open Files to choose.`
      : `${files(paths.length)} were changed on two devices at once, “${fileName(first)}” among them. Both copies are kept: open Files to choose.`,
    id: `sync-conflict:${at}`
  }
}

export function devicePairedNotice (name: string | undefined, peerId: string): Notice {
  return {
    kind: 'device-paired',
    title: 'Device paired',
    body: `Paired with ${name !== undefined && name !== '' ? name : 'a new device'}. It shares your vault's files from now on.`,
    id: `device-paired:${peerId}`
  }
}

export function storageAlmostFullNotice (usedBytes: number, totalBytes: number): Notice {
  const percent = Math.min(100, Math.floor(usedBytes / totalBytes * 100))
  return {
    kind: 'storage-almost-full',
    title: 'Storage almost full',
    body: `Storage on this device is ${percent}% full (${sizeWords(usedBytes)} of ${sizeWords(totalBytes)}). Use “Free up space” in Files, or delete what you no longer need.`,
    id: 'storage-almost-full'
  }
}

export function peerUnreachableNotice (name: string, peerId: string): Notice {
  return {
    kind: 'peer-unreachable',
    title: 'Backup peer unreachable',
    body: `Your backup peer${name !== '' ? ` ${name}` : ''} has not answered for a day. New files are not backed up there until it is back.`,
    id: `peer-unreachable:${peerId}`
  }
}

/** A short name for a backup peer from its multiaddr: its host ("backup.example.org", "192.168.1.5"), or ''. */
export function addressHost (address: string): string {
  const parts = address.split('/')
  const at = parts.findIndex(part => ['dns', 'dns4', 'dns6', 'dnsaddr', 'ip4', 'ip6'].includes(part))
  return at >= 0 ? parts[at + 1] ?? '' : ''
}
