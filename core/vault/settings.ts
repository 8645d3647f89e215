import { Key, type Datastore } from 'interface-datastore'
import { checkRetention, DEFAULT_VERSION_RETENTION, type VersionRetention } from './retention.ts'

/** Device-local settings kept in the datastore (not secret, not synced). */
export interface VaultSettings {
  autoLockMinutes: number
  /** How long earlier versions of files are kept. */
  versionRetention: VersionRetention
}

export const DEFAULT_SETTINGS: VaultSettings = { autoLockMinutes: 15, versionRetention: DEFAULT_VERSION_RETENTION }
/** Fractions of a minute are allowed so tests can use a short auto-lock. */
export const AUTO_LOCK_BOUNDS = { min: 0.05, max: 24 * 60 }

const SETTINGS_KEY = new Key('/cairn/settings')

export async function loadSettings (datastore: Datastore): Promise<VaultSettings> {
  if (!(await datastore.has(SETTINGS_KEY))) return { ...DEFAULT_SETTINGS }
  const stored = JSON.parse(new TextDecoder().decode(await datastore.get(SETTINGS_KEY))) as Partial<VaultSettings>
  const settings = { ...DEFAULT_SETTINGS, ...stored }
  // A damaged or older retention falls back to the default rather than keeping nothing.
  try {
    settings.versionRetention = checkRetention(settings.versionRetention)
  } catch {
    settings.versionRetention = DEFAULT_VERSION_RETENTION
  }
  return settings
}

export async function saveSettings (datastore: Datastore, settings: VaultSettings): Promise<void> {
  await datastore.put(SETTINGS_KEY, new TextEncoder().encode(JSON.stringify(settings)))
}
