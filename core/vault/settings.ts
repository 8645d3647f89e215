import { Key, type Datastore } from 'interface-datastore'
import { checkRetention, DEFAULT_VERSION_RETENTION, type VersionRetention } from './retention.ts'

/** Device-local settings kept in the datastore (not secret, not synced). */
export interface VaultSettings {
  autoLockMinutes: number
  /** How long earlier versions of files are kept. */
  versionRetention: VersionRetention
  /**
   * False from the moment a vault is created here until the user typed its
   * recovery phrase back (onboarding, or Settings → Show recovery phrase).
   * Absent (a vault from before this flag, a restore, a join) counts as
   * confirmed: only a vault created since is reminded.
   */
  recoveryPhraseConfirmed: boolean
}

export const DEFAULT_SETTINGS: VaultSettings = { autoLockMinutes: 15, versionRetention: DEFAULT_VERSION_RETENTION, recoveryPhraseConfirmed: true }
/** Fractions of a minute are allowed so tests can use a short auto-lock. */
export const AUTO_LOCK_BOUNDS = { min: 0.05, max: 24 * 60 }
/** Auto-lock of 0 minutes: never (the desktop's default, so it syncs with every window closed). */
export const AUTO_LOCK_NEVER = 0

const SETTINGS_KEY = new Key('/cairn/settings')

/** The stored settings; `defaults` fill what was never set (a host may have its own, e.g. the desktop's auto-lock). */
export async function loadSettings (datastore: Datastore, defaults: VaultSettings = DEFAULT_SETTINGS): Promise<VaultSettings> {
  if (!(await datastore.has(SETTINGS_KEY))) return { ...defaults }
  const stored = JSON.parse(new TextDecoder().decode(await datastore.get(SETTINGS_KEY))) as Partial<VaultSettings>
  const settings = { ...defaults, ...stored }
  // A damaged or older retention falls back to the default rather than keeping nothing.
  try {
    settings.versionRetention = checkRetention(settings.versionRetention)
  } catch {
    settings.versionRetention = DEFAULT_VERSION_RETENTION
  }
  // Only an explicit false reminds: anything else (older settings, damage) must not nag.
  settings.recoveryPhraseConfirmed = settings.recoveryPhraseConfirmed !== false
  return settings
}

export async function saveSettings (datastore: Datastore, settings: VaultSettings): Promise<void> {
  await datastore.put(SETTINGS_KEY, new TextEncoder().encode(JSON.stringify(settings)))
}
