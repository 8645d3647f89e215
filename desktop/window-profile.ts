import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The app window's Chromium profile, set before the window starts: no offer
 * to save the vault's passphrase. Chromium's password manager would keep it
 * in the profile (on Linux without a keyring, in a file anyone with the data
 * folder can read), and the passphrase must never be on disk.
 */

/** The preferences Cairn sets in the window's profile (Chromium's own names). */
export const WINDOW_PREFERENCES = {
  credentials_enable_service: false,
  credentials_enable_autosignin: false,
  profile: { password_manager_enabled: false }
} as const

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `base` with `over` written into it, nested objects merged. */
function merge (base: Json, over: Json): Json {
  const out: Json = { ...base }
  for (const [key, value] of Object.entries(over)) out[key] = isObject(value) && isObject(out[key]) ? merge(out[key], value) : value
  return out
}

/**
 * Writes Cairn's preferences into `<profileDir>/Default/Preferences`, keeping
 * what Chromium wrote there. Call it only while no window runs on the
 * profile: a running Chromium writes the file back from memory.
 */
export function prepareWindowProfile (profileDir: string): void {
  const dir = join(profileDir, 'Default')
  const file = join(dir, 'Preferences')
  let current: Json = {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
    if (isObject(parsed)) current = parsed
  } catch {
    // None yet (a first start), or unreadable: Chromium starts from Cairn's alone.
  }
  const next = merge(current, WINDOW_PREFERENCES)
  if (JSON.stringify(next) === JSON.stringify(current)) return
  mkdirSync(dir, { recursive: true })
  // Written aside, then renamed: a crash never leaves Chromium half a file.
  writeFileSync(`${file}.cairn-tmp`, JSON.stringify(next))
  renameSync(`${file}.cairn-tmp`, file)
}
