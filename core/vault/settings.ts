import { Key, type Datastore } from 'interface-datastore'

/** Device-local settings kept in the datastore (not secret, not synced). */
export interface VaultSettings {
  autoLockMinutes: number
}

export const DEFAULT_SETTINGS: VaultSettings = { autoLockMinutes: 15 }
/** Fractions of a minute are allowed so tests can use a short auto-lock. */
export const AUTO_LOCK_BOUNDS = { min: 0.05, max: 24 * 60 }

const SETTINGS_KEY = new Key('/cairn/settings')

export async function loadSettings (datastore: Datastore): Promise<VaultSettings> {
  if (!(await datastore.has(SETTINGS_KEY))) return { ...DEFAULT_SETTINGS }
  const stored = JSON.parse(new TextDecoder().decode(await datastore.get(SETTINGS_KEY))) as Partial<VaultSettings>
  return { ...DEFAULT_SETTINGS, ...stored }
}

export async function saveSettings (datastore: Datastore, settings: VaultSettings): Promise<void> {
  await datastore.put(SETTINGS_KEY, new TextEncoder().encode(JSON.stringify(settings)))
}
