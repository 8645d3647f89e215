import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { firefox, type LaunchOptions } from '@playwright/test'
import { profileOf, type Profile } from './browser.ts'

const DEBIAN_FIREFOX = '/usr/bin/firefox-esr'

/** How the Firefox profiles are launched, or why they cannot be. */
export type FirefoxBrowser =
  | { kind: 'esr', executablePath: string }
  | { kind: 'playwright', executablePath: string }
  | { kind: 'none', reason: string }

/**
 * Debian's Firefox ESR (or CAIRN_FIREFOX) driven over WebDriver BiDi, which
 * Playwright 1.64.1 does with channel 'moz-firefox'; else Playwright's own
 * Firefox build (`npx playwright install firefox`) if it is installed; else none.
 */
export function findFirefox (): FirefoxBrowser {
  const wanted = process.env.CAIRN_FIREFOX ?? DEBIAN_FIREFOX
  if (existsSync(wanted)) return { kind: 'esr', executablePath: wanted }
  const own = playwrightFirefoxPath()
  if (own !== undefined && existsSync(own)) return { kind: 'playwright', executablePath: own }
  return {
    kind: 'none',
    reason: `No Firefox here: neither ${wanted} (Debian: apt-get install firefox-esr) nor Playwright's Firefox (npx playwright install firefox); the Firefox tests are skipped.`
  }
}

function playwrightFirefoxPath (): string | undefined {
  try {
    return firefox.executablePath()
  } catch {
    return undefined
  }
}

/** Launch options for the Firefox found by findFirefox(); throws when there is none. */
export function firefoxLaunchOptions (): LaunchOptions {
  const found = findFirefox()
  if (found.kind === 'none') throw new Error(found.reason)
  const common: LaunchOptions = {
    headless: true,
    // The browser asks no one before keeping site data (OPFS, IndexedDB) and shows no first-run pages.
    firefoxUserPrefs: {
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'app.update.enabled': false
    }
  }
  if (found.kind === 'playwright') return common
  // Playwright's typings do not list the BiDi channels; 'moz-firefox' selects WebDriver BiDi.
  const executablePath = needsBidiShim(found.executablePath) ? bidiShim(found.executablePath) : found.executablePath
  return { ...common, channel: 'moz-firefox', executablePath }
}

/** The first ESR whose BiDi has what Playwright 1.64 sends (the earlier CI machines ran 153 without the shim). */
const FIRST_FULL_BIDI_MAJOR = 153

/**
 * Whether this Firefox needs firefox-bidi-shim.ts: an older ESR (bookworm's 140)
 * does; 153 and later are driven directly, as before the shim existed. A
 * version that cannot be read is taken to need it (the shim passes through
 * whatever it does not know).
 */
function needsBidiShim (firefox: string): boolean {
  try {
    const major = Number(/(\d+)\./.exec(execFileSync(firefox, ['--version'], { encoding: 'utf8', timeout: 10_000 }))?.[1])
    return !(major >= FIRST_FULL_BIDI_MAJOR)
  } catch {
    return true
  }
}

let shim: string | undefined

/**
 * An executable that runs `firefox` behind firefox-bidi-shim.ts, which lets
 * Playwright 1.64 drive Firefox ESR 140 (Debian bookworm's): Playwright's
 * BiDi launch sends a command that Firefox only learned later.
 */
function bidiShim (firefox: string): string {
  if (shim !== undefined) return shim
  const script = join(mkdtempSync(join(tmpdir(), 'cairn-firefox-shim-')), 'firefox')
  const tsx = fileURLToPath(import.meta.resolve('tsx'))
  const source = fileURLToPath(new URL('./firefox-bidi-shim.ts', import.meta.url))
  const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`
  writeFileSync(script, `#!/bin/sh\nCAIRN_FIREFOX_REAL=${quote(firefox)} exec ${quote(process.execPath)} --import ${quote(tsx)} ${quote(source)} "$@"\n`)
  chmodSync(script, 0o755)
  shim = script
  return script
}

/**
 * A fresh persistent Firefox profile: one "device", like launchProfile() in
 * browser.ts. Persistent so OPFS, IndexedDB and the service worker survive a reload.
 */
export async function launchFirefoxProfile (options: { userDataDir?: string, viewport?: { width: number, height: number }, prefs?: Record<string, string | number | boolean> } = {}): Promise<Profile> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'cairn-firefox-'))
  const launch = firefoxLaunchOptions()
  const context = await firefox.launchPersistentContext(userDataDir, {
    ...launch,
    firefoxUserPrefs: { ...launch.firefoxUserPrefs, ...options.prefs },
    acceptDownloads: true,
    viewport: options.viewport ?? { width: 1280, height: 860 }
  })
  return profileOf(context, userDataDir, options.userDataDir === undefined)
}
