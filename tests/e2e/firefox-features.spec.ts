import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { findFirefox, launchFirefoxProfile } from './support/firefox.ts'
import { makePng } from './support/png.ts'
import { serveDirectory } from './support/static-server.ts'

/**
 * Features whose Firefox coverage was thin, walked in Firefox ESR as a user
 * would: the app update with two tabs open; versions and the Trash on a
 * 360 px wide phone screen; the viewer on an image the browser cannot show.
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

/** Controls under `scope` (a selector) not wholly inside the window and their dialog (a dialog scrolled sideways cuts them off). */
async function cutOff (page: Page, scope: string): Promise<string[]> {
  return await page.evaluate((selector) => [...document.querySelectorAll(`${selector} :is(button, a[href], input)`)].flatMap((el) => {
    const box = el.getBoundingClientRect()
    if (box.width === 0) return []
    const outer = (el.closest('dialog') ?? document.documentElement).getBoundingClientRect()
    const inside = box.left >= Math.max(0, outer.left) - 1 && box.right <= Math.min(window.innerWidth, outer.right) + 1
    return inside ? [] : [(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()]
  }), scope)
}

async function scrollsSideways (page: Page, selector: string): Promise<boolean> {
  return await page.evaluate((s) => {
    const el = document.querySelector(s)
    return el !== null && el.scrollWidth > el.clientWidth + 1
  }, selector)
}

test('Firefox on a 360 px wide phone: Versions restores an earlier version and the Trash restores and empties, every button on screen', async ({ files }) => {
  const phone = await launchFirefoxProfile({ viewport: { width: 360, height: 740 } })
  try {
    mkdirSync(join(files.dir, 'new'))
    const first = files.make('holiday-plans-for-the-whole-family.txt', 3000)
    const second = files.make(join('new', 'holiday-plans-for-the-whole-family.txt'), 5000)
    const other = files.make('a-rather-long-name-for-a-spreadsheet-of-costs.ods', 2000)
    const app = new CairnApp(await phone.context.newPage())
    const page = app.page
    await app.open()
    await app.createVault(PASSPHRASE)
    await app.addFiles([first.path, other.path])
    await app.addFiles([second.path], 'Replace')

    await (await app.rowMenu(first.name)).getByRole('menuitem', { name: 'Versions' }).click()
    const versions = page.getByRole('dialog', { name: `Versions of ${first.name}` })
    await expect(versions.getByRole('button', { name: /^Restore the version/ })).toHaveCount(1)
    expect(await cutOff(page, 'dialog[open]'), 'Versions dialog controls cut off').toEqual([])
    expect(await scrollsSideways(page, 'dialog[open]'), 'the Versions dialog scrolls sideways').toBe(false)
    await versions.getByRole('button', { name: /^Restore the version/ }).click()
    await expect(versions.getByRole('status')).toContainText('Restored the version saved')
    await versions.getByRole('button', { name: 'Close' }).click()
    await expect(versions).toHaveCount(0)
    expect(await app.downloadSha256(first.name)).toBe(first.sha256)

    await app.delete(first.name)
    await app.delete(other.name)
    await app.goTo('Trash')
    const restore = page.getByRole('button', { name: `Restore ${first.name}` })
    await expect(restore).toBeVisible()
    expect(await cutOff(page, 'main'), 'Trash controls cut off').toEqual([])
    expect(await scrollsSideways(page, 'html'), 'the Trash scrolls sideways').toBe(false)
    await restore.click()
    await expect(page.getByRole('status')).toContainText(`Restored “${first.name}”.`)
    await page.getByRole('button', { name: 'Empty trash' }).click()
    const empty = page.getByRole('dialog', { name: 'Empty the Trash?' })
    expect(await cutOff(page, 'dialog[open]'), 'Empty the Trash? controls cut off').toEqual([])
    await empty.getByRole('button', { name: 'Empty trash' }).click()
    await expect(page.getByText('The Trash is empty.')).toBeVisible()
    await app.goTo('Files')
    expect(await app.downloadSha256(first.name)).toBe(first.sha256)
    await expect(app.row(other.name)).toHaveCount(0)
  } finally {
    await phone.dispose()
  }
})

test('Firefox: the viewer says in words when an image cannot be shown, and offers its download', async ({ firefox, files }) => {
  const photo = join(files.dir, 'garden.png')
  writeFileSync(photo, makePng(300, 200))
  // A photo whose bytes the browser cannot decode (a damaged file, or a format it does not know).
  const broken = join(files.dir, 'broken.png')
  writeFileSync(broken, Buffer.concat([makePng(40, 40).subarray(0, 30), Buffer.alloc(2000, 7)]))
  const app = new CairnApp(await firefox.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([photo, broken])

  const viewer = await app.openViewer('broken.png')
  // Before, the viewer showed a broken picture (or its alt text) and no words.
  await expect(viewer.getByRole('status')).toContainText('can\'t be shown here')
  await expect(viewer.getByRole('img', { name: 'Preview of broken.png' })).toHaveCount(0)
  const download = app.page.waitForEvent('download')
  await viewer.getByRole('link', { name: 'Download broken.png' }).click()
  expect((await download).suggestedFilename()).toBe('broken.png')

  // The next file, a good image, shows as an image, with no such words.
  await viewer.getByRole('button', { name: 'Next →' }).click()
  const next = app.page.getByRole('dialog', { name: 'garden.png' })
  await expect(next.getByRole('img', { name: 'Preview of garden.png' })).toBeVisible()
  await expect.poll(async () => await next.getByRole('img', { name: 'Preview of garden.png' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(300)
  await expect(next.getByRole('status')).toHaveCount(0)
})
