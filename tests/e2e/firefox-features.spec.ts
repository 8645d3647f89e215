import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { findFirefox } from './support/firefox.ts'
import { serveDirectory } from './support/static-server.ts'

/**
 * Features whose Firefox coverage was thin, walked in Firefox ESR as a user
 * would: the app update with two tabs open.
 */
const found = findFirefox()
const PASSPHRASE = 'a fox keeps two tabs open'

test.skip(found.kind === 'none', found.kind === 'none' ? found.reason : '')

test('Firefox, two tabs: after one tab took the update, "Reload to update" in the other switches it to the new version too', async ({ firefox }) => {
  // A private copy of the build, so the test can "deploy" over it.
  const root = mkdtempSync(join(tmpdir(), 'cairn-deploy-'))
  cpSync('dist', root, { recursive: true })
  const server = await serveDirectory(root)
  try {
    const first = new CairnApp(await firefox.context.newPage())
    await first.page.goto(server.url)
    await first.createVault(PASSPHRASE)
    await first.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    const second = new CairnApp(await firefox.context.newPage())
    await second.page.goto(server.url)
    await second.expectUnlocked()

    // A new release: both tabs offer it; the first takes it.
    appendFileSync(join(root, 'service-worker.js'), '\n// release 2\n')
    await first.page.reload()
    const update = (app: CairnApp) => app.page.getByRole('button', { name: 'Reload to update' })
    await expect(update(first)).toBeVisible()
    await expect(update(second)).toBeVisible()
    await update(first).click()
    await first.unlock(PASSPHRASE)
    await first.expectUnlocked()

    // The second tab's button still works: it reloads onto the new version (before, it did nothing, for good).
    await second.page.evaluate(() => { (window as { oldPage?: boolean }).oldPage = true })
    await update(second).click()
    await expect(update(second)).toHaveCount(0)
    await expect.poll(async () => await second.page.evaluate(() => (window as { oldPage?: boolean }).oldPage === undefined)).toBe(true)
    expect(await second.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting === null)).toBe(true)
    // It ran the node since the first tab's reload: the node starts afresh, locked, and opens again.
    await second.unlock(PASSPHRASE)
    await second.expectUnlocked()
  } finally {
    await server.close()
    rmSync(root, { recursive: true, force: true })
  }
})
