import { expect, test } from './support/fixtures.ts'
import { findFirefox, launchFirefoxProfile } from './support/firefox.ts'

/**
 * A Firefox private window keeps no site files: OPFS refuses with a
 * SecurityError (IndexedDB still opens). Cairn cannot keep a vault there and
 * must say so, and why, instead of "lost contact with its background process".
 */
const found = findFirefox()

test.skip(found.kind === 'none', found.kind === 'none' ? found.reason : '')

test('Firefox private window: Cairn says this window cannot keep files, not that it lost contact', async () => {
  const profile = await launchFirefoxProfile({ prefs: { 'browser.privatebrowsing.autostart': true } })
  try {
    const page = await profile.context.newPage()
    await page.goto(process.env.CAIRN_APP_URL ?? '')
    const alert = page.getByRole('alert')
    await expect(alert).toContainText('private window')
    await expect(alert).not.toContainText('lost contact')
  } finally {
    await profile.dispose()
  }
})
