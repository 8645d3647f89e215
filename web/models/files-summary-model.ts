import { signal, type ReadonlySignal } from '@preact/signals'
import type { BackupPeerInfo, FileInfo, FileLocation, RpcClient, VaultStats } from '../../core/rpc/api.ts'
import { liveRefresh } from '../lib/live-refresh.ts'

/** How often the line re-reads the figures while Files is open (events bring most changes sooner). */
export const FILES_SUMMARY_REFRESH_MS = 10_000

export interface BackupState {
  /** 'done': every file is on a backup peer; 'pending': some are not yet; 'none': no backup peer. */
  tone: 'done' | 'pending' | 'none'
  text: string
}

/**
 * The backup state in words, from where each file lives: a file is backed up
 * once a backup peer confirmed it holds all of it (its location, or the file
 * list's `onBackup` until the locations are in).
 */
export function backupState (files: readonly FileInfo[], locations: Readonly<Record<string, FileLocation>>, peerCount: number): BackupState {
  if (peerCount === 0) return { tone: 'none', text: 'No backup peer yet' }
  const waiting = files.filter(f => !((locations[f.fileId]?.peers.length ?? 0) > 0 || f.onBackup === true)).length
  if (waiting === 0) return { tone: 'done', text: 'All backed up' }
  return { tone: 'pending', text: waiting === 1 ? '1 file to back up' : `${waiting} files to back up` }
}

/** The figures above the file list: what this device stores and what each backup peer holds. */
export interface FilesSummaryModel {
  stats: ReadonlySignal<VaultStats | undefined>
  peers: ReadonlySignal<BackupPeerInfo[] | undefined>
  /** Starts reading (now, on changes, and on a slow timer); returns the stop. */
  open: () => () => void
}

export function createFilesSummaryModel (client: RpcClient, pollMs = FILES_SUMMARY_REFRESH_MS): FilesSummaryModel {
  const stats = signal<VaultStats | undefined>(undefined)
  const peers = signal<BackupPeerInfo[] | undefined>(undefined)
  const refresh = async (): Promise<void> => {
    // Either figure may fail alone (a locked vault, a node starting): the line shows what it has.
    const [s, p] = await Promise.allSettled([client.call('stats.get', undefined), client.call('backup.list', undefined)])
    if (s.status === 'fulfilled') stats.value = s.value
    if (p.status === 'fulfilled') peers.value = p.value
  }
  return {
    stats,
    peers,
    open: () => {
      const stops = [liveRefresh(client, 'backup.changed', refresh, pollMs), client.on('files.changed', () => { void refresh() })]
      return () => { for (const stop of stops) stop() }
    }
  }
}
