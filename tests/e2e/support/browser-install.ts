import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium } from '@playwright/test'
import { DEBIAN_CHROMIUM } from './browser.ts'
import { findFirefox } from './firefox.ts'

/**
 * `npm test` needs no browser installed by hand: the global setup installs
 * Playwright's own Chromium when there is neither Debian's nor one already
 * installed, and Playwright's Firefox when there is no firefox-esr (best
 * effort: without it the Firefox specs skip and say why).
 * CAIRN_NO_BROWSER_INSTALL=1 turns this off (a machine with no network).
 */
export function ensureBrowsers (log: (line: string) => void = line => { process.stderr.write(line + '\n') }): void {
  const install = process.env.CAIRN_NO_BROWSER_INSTALL !== '1'
  if (install && !hasChromium()) {
    log('No Chromium found: installing Playwright\'s (npx playwright install chromium)…')
    if (!playwrightInstall('chromium')) throw new Error('Installing Playwright\'s Chromium failed; install Debian\'s chromium or run `npx playwright install chromium`')
  }
  if (install && findFirefox().kind === 'none') {
    log('No Firefox found: installing Playwright\'s (npx playwright install firefox)…')
    if (!playwrightInstall('firefox')) log('Installing Playwright\'s Firefox failed.')
  }
  const firefox = findFirefox()
  if (firefox.kind === 'none') log(firefox.reason)
}

function hasChromium (): boolean {
  const chosen = process.env.CAIRN_CHROMIUM
  if (chosen !== undefined) return existsSync(chosen)
  return existsSync(DEBIAN_CHROMIUM) || existsSync(chromium.executablePath())
}

/** Playwright's own installer, from the pinned @playwright/test, so the browser build matches it. */
function playwrightInstall (browser: 'chromium' | 'firefox'): boolean {
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli')
  return spawnSync(process.execPath, [cli, 'install', browser], { stdio: 'inherit' }).status === 0
}
