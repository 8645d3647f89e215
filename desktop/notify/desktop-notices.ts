import { statfs } from 'node:fs/promises'
import type { StorageUse } from '../../core/node/notices.ts'
import type { EventMessage } from '../../core/rpc/messages.ts'
import type { SystemNotifier } from './system-notifier.ts'

/**
 * The daemon's ends of the notices (issue 11): what fills `Notices`'
 * `storage` source on a real disk, and the listener that hands each 'notice'
 * event to the system notifier.
 */

/** Bytes used and the size of the file system holding `dir` (the data folder): no browser quota here, the disk is the limit. */
export function diskUse (dir: string): () => Promise<StorageUse | undefined> {
  return async () => {
    const disk = await statfs(dir)
    const totalBytes = disk.blocks * disk.bsize
    // bavail, not bfree: blocks reserved for root are no room for Cairn.
    return totalBytes > 0 ? { usedBytes: totalBytes - disk.bavail * disk.bsize, totalBytes } : undefined
  }
}

/** For the daemon's event subscription: shows every 'notice' as a system notification, ignores the rest. */
export function noticeListener (notifier: SystemNotifier): (message: EventMessage) => void {
  return (message) => {
    if (message.event === 'notice') void notifier.show((message as EventMessage<'notice'>).data)
  }
}
