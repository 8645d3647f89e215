import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { serveDirectory } from './support/static-server.ts'

test('when a new version is deployed the app offers "Reload to update" and switches to it on request', async () => {
  // Serve a private copy of the build so this test can "deploy" over it.
  const root = mkdtempSync(join(tmpdir(), 'cairn-deploy-'))
  cpSync('dist', root, { recursive: true })
  const server = await serveDirectory(root)
  const profile = await launchProfile()
  try {
    const page = await profile.context.newPage()
    const app = new CairnApp(page)
    await page.goto(server.url)
    await app.createVault('an update should not cost my files')
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await expect(page.getByRole('button', { name: 'Reload to update' })).toHaveCount(0)

    // A new release: the service worker script changes.
    appendFileSync(join(root, 'service-worker.js'), '\n// release 2\n')
    await page.reload()
    await expect(page.getByRole('button', { name: 'Reload to update' })).toBeVisible()
    await page.getByRole('button', { name: 'Reload to update' }).click()

    // The page reloads under the new service worker; nothing is waiting any more.
    await app.expectLocked()
    await expect(page.getByRole('button', { name: 'Reload to update' })).toHaveCount(0)
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting === null)).toBe(true)
    await app.unlock('an update should not cost my files')
    await app.expectUnlocked()
  } finally {
    await profile.dispose()
    await server.close()
    rmSync(root, { recursive: true, force: true })
  }
})
