import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigInvalidError, StorageFailedError } from '../../core/errors.ts'
import { fileReadFailure } from '../file-read-failure.ts'

/** The file, in the backup peer's own folder, that keeps its two settings. */
export const BACKUP_PEER_SETTINGS_FILE = 'desktop-backup-peer.json'

/** Where a damaged settings file is kept once the user has chosen again. */
export const DAMAGED_SUFFIX = '.damaged'

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

export function backupPeerSettingsPath (peerDir: string): string {
  return join(peerDir, BACKUP_PEER_SETTINGS_FILE)
}

/**
 * The saved settings, or the defaults when there is no file yet. A damaged
 * or unreadable file is an error, never the defaults: it holds the user's
 * "off" and the port paired vaults dial, so it is neither obeyed wrongly nor
 * written over.
 */
export function readBackupPeerSettings (peerDir: string): BackupPeerSettings {
  const file = backupPeerSettingsPath(peerDir)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULTS }
    throw unreadable(file, err)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw damaged(file, (err as Error).message)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw damaged(file, 'it holds no settings object')
  const value = parsed as Partial<Record<keyof BackupPeerSettings, unknown>>
  const port = value.wsPort
  if (typeof value.enabled !== 'boolean') throw damaged(file, 'it does not say whether the backup peer is on')
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw damaged(file, 'it names no valid port')
  return { enabled: value.enabled, wsPort: port }
}

/**
 * The file is there but cannot be read: not "damaged" (its bytes may be fine,
 * and choosing again would set them aside), but a reason the user can act on.
 */
function unreadable (file: string, err: unknown): StorageFailedError {
  const { why, fix } = fileReadFailure(err)
  return new StorageFailedError(`Cairn cannot read ${file} (${why}), so the backup peer was not started. It keeps whether the backup peer is on and the port paired vaults reach it at: ${fix}, then press Try again`, { cause: err })
}

function damaged (file: string, why: string): ConfigInvalidError {
  return new ConfigInvalidError(`${file} is damaged (${why}), so the backup peer was not started. It keeps whether it is on and the port paired vaults reach it at: repair it, or turn the backup peer on or off on the Backup page (that writes a new file and keeps this one as ${file}${DAMAGED_SUFFIX})`)
}

/** Moves a damaged settings file aside (`….damaged`), so a new one does not destroy what may be repaired by hand. */
export function setAsideBackupPeerSettings (peerDir: string): string {
  const file = backupPeerSettingsPath(peerDir)
  renameSync(file, `${file}${DAMAGED_SUFFIX}`)
  return `${file}${DAMAGED_SUFFIX}`
}

/** Saves the settings whole (written aside, then renamed: a crash leaves the old file or the new one). */
export function writeBackupPeerSettings (peerDir: string, settings: BackupPeerSettings): void {
  mkdirSync(peerDir, { recursive: true, mode: 0o700 })
  const path = backupPeerSettingsPath(peerDir)
  writeFileSync(`${path}.tmp`, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}
