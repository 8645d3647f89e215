import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The file, in the backup peer's own folder, that keeps its two settings. */
export const BACKUP_PEER_SETTINGS_FILE = 'desktop-backup-peer.json'

/** What the desktop keeps about its backup peer between runs. */
export interface BackupPeerSettings {
  /** "Serve as a backup peer" (default on: a user with one computer needs nothing else). */
  enabled: boolean
  /**
   * The WebSocket port, chosen once (0 until the first start picks a free
   * one) and kept: vaults paired with this peer dial it at this address.
   */
  wsPort: number
}

const DEFAULTS: BackupPeerSettings = { enabled: true, wsPort: 0 }

/** The saved settings, or the defaults when there are none (or the file is unreadable). */
export function readBackupPeerSettings (peerDir: string): BackupPeerSettings {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(join(peerDir, BACKUP_PEER_SETTINGS_FILE), 'utf8'))
  } catch {
    return { ...DEFAULTS }
  }
  const value = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<Record<keyof BackupPeerSettings, unknown>>
  const port = value.wsPort
  return {
    enabled: typeof value.enabled === 'boolean' ? value.enabled : DEFAULTS.enabled,
    wsPort: typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : DEFAULTS.wsPort
  }
}

/** Saves the settings whole (written aside, then renamed: a crash leaves the old file or the new one). */
export function writeBackupPeerSettings (peerDir: string, settings: BackupPeerSettings): void {
  mkdirSync(peerDir, { recursive: true, mode: 0o700 })
  const path = join(peerDir, BACKUP_PEER_SETTINGS_FILE)
  writeFileSync(`${path}.tmp`, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}
