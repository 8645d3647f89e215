import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { makePdf } from './support/pdf.ts'
import { createShareLink, openShareLink, pairBackupPeer } from './support/share-steps.ts'

test('a shared PDF previews under the same sandboxing CSP as images and text, and still renders', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(240_000)
  const pdfPath = join(files.dir, 'leaflet.pdf')
  writeFileSync(pdfPath, makePdf('Hello PDF'))

  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault('a leaflet for the neighbours')
  await app.addFiles([pdfPath])
  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await app.goTo('Files')
  const link = await createShareLink(app, 'leaflet.pdf')
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  await expect(app.page.getByText('On your backup peer')).toHaveCount(1, { timeout: 120_000 })
  await profile.context.close()

  const c = await launchProfile()
  try {
    const page = await c.context.newPage()
    await openShareLink(page, link)
    await expect(page.locator('iframe[title="Preview of leaflet.pdf"]')).toBeVisible({ timeout: 60_000 })
    // Chromium's PDF viewer took it (it runs in its own frame inside the preview's).
    await expect.poll(() => page.frames().some(f => f.url().startsWith('chrome-extension://')), { timeout: 60_000 }).toBe(true)
    // Its response carries the files' policy: sandbox, no script, nothing loaded from anywhere.
    // (Chromium's viewer still gives the PDF's frame the app's origin; see core/rpc/file-response-headers.ts.)
    const src = await page.locator('iframe[title="Preview of leaflet.pdf"]').getAttribute('src') ?? ''
    expect(src).toMatch(/^\/download\/share\/[^/]+\?inline$/)
    const csp = await page.evaluate(async (url) => (await fetch(url)).headers.get('content-security-policy'), src)
    const directives = (csp ?? '').split(';').map(d => d.trim())
    expect(directives).toContain('sandbox')
    expect(directives).toContain("default-src 'none'")
  } finally {
    await c.dispose()
  }
})
