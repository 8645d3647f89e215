import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

/**
 * A download link with a broken escape in it (cut short when pasted, or made
 * so on purpose) names no file: the service worker answers with its page of
 * words, as for any file it does not have, not with the browser's "This site
 * can't be reached" (its route threw on decoding the address).
 */
test('a download link with a malformed escape gets the "File not found" page, not a network error', async ({ app }) => {
  await app.open()
  await app.createVault('links get cut short when pasted')
  await app.page.waitForFunction(() => navigator.serviceWorker.controller !== null)

  const page = await app.page.context().newPage()
  await page.goto(new URL('/download/%E0%A4%A', CairnApp.appUrl()).href)
  await expect(page.getByRole('heading', { name: 'File not found' })).toBeVisible()

  await page.goto(new URL('/download/share/%zz', CairnApp.appUrl()).href)
  await expect(page.getByRole('heading', { name: 'This shared file is not open' })).toBeVisible()
})
