import type { BackupPeerInfo, FileInfo, VaultStatus } from '../rpc/api.ts'
import type { BackupWaiting, ConflictCopy, NoticesComponents, WatchedPeer } from './notices.ts'
import { addressHost } from './notice-words.ts'

/** The few things the notices read from a node; the browser worker and the desktop pass the same parts. */
export interface NoticeSourceParts {
  vault: { status: () => VaultStatus, files: () => { list: () => FileInfo[] } }
  backups: { list: () => BackupPeerInfo[], holds: (cid: string) => boolean }
  /** A device's name from the device book ('another device' when unknown). */
  nameOf: (peerId: string) => string
}

/** `Notices`' sources over a node's vault, backup peers and device book (all but storage, which is per platform). */
export function noticeSources (p: NoticeSourceParts): Pick<NoticesComponents, 'backupWaiting' | 'conflicts' | 'peers' | 'deviceName'> {
  const files = (): FileInfo[] | undefined => p.vault.status().state === 'unlocked' ? p.vault.files().list() : undefined
  return {
    backupWaiting: (): BackupWaiting | undefined => {
      const list = files()
      if (list === undefined || p.backups.list().length === 0) return undefined
      return { items: new Map(list.filter(file => !p.backups.holds(file.cid)).map(file => [`${file.fileId}:${file.cid}`, file.size])) }
    },
    conflicts: (): ConflictCopy[] | undefined => files()
      ?.filter(file => file.conflict === true)
      .map(file => ({ key: `${file.fileId}:${file.versionId ?? file.path}`, path: file.conflictOf ?? file.path })),
    peers: (): WatchedPeer[] => p.backups.list().map(peer => ({ peerId: peer.peerId, name: addressHost(peer.address), online: peer.online, lastSeen: peer.lastSeen })),
    deviceName: (peerId) => p.nameOf(peerId)
  }
}
