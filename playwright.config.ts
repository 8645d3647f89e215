import { defineConfig } from '@playwright/test'

/** Specs that run in Firefox (they launch their own Firefox profiles, tests/e2e/support/firefox.ts). */
const FIREFOX_SPECS = ['**/firefox-*.spec.ts']

/**
 * Browser tests run in a real Chromium (Debian's /usr/bin/chromium when present,
 * else Playwright's own) against real servers that the global setup starts on
 * free ports on 127.0.0.1. Each test launches its own persistent profile
 * (tests/e2e/support/browser.ts), so no test sees another's vault.
 * The `firefox` project runs a few focused specs in Firefox ESR (Debian's
 * firefox-esr over WebDriver BiDi; skipped with a message when no Firefox is installed).
 */
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  globalSetup: './tests/e2e/support/global-setup.ts',
  projects: [
    { name: 'chromium', testIgnore: FIREFOX_SPECS },
    { name: 'firefox', testMatch: FIREFOX_SPECS }
  ]
})
