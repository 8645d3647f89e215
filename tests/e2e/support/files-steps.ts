import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'
import { makePng } from './png.ts'
import type { TestFiles } from './test-files.ts'
import { readZip } from './zip-reader.ts'

/**
 * Steps of the file browser (folders, breadcrumbs, search, selection, zip,
 * thumbnails), shared by files-browser.spec.ts, viewer-thumbnails.spec.ts and
 * the same walk in Firefox (firefox-files.spec.ts) and on a phone (phone-files.spec.ts).
 */

/** The names of the rows shown (expect them in order with toHaveText). */
export function rowNames (page: Page): Locator {
  return page.getByRole('row').locator('button.row-open')
}

/** The breadcrumbs of the folder shown. */
export function crumbs (page: Page): Locator {
  return page.getByRole('navigation', { name: 'Folder', exact: true })
}

/** The folder shown, by the breadcrumbs' last step. */
export async function expectInFolder (page: Page, name: string): Promise<void> {
  await expect(crumbs(page).locator('[aria-current=page]')).toHaveText(name)
}

export function sha256 (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Presses "Download folder" and returns each entry of the zip that arrives with its SHA-256. */
export async function downloadFolderZip (page: Page, expectedName: string): Promise<Record<string, string>> {
  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download folder' }).click()
  const zip = await download
  expect(zip.suggestedFilename()).toBe(expectedName)
  const entries = readZip(readFileSync(await zip.path()))
  return Object.fromEntries(entries.map(e => [e.name, sha256(e.bytes)]))
}

/** Selects `first` with a click and the rows through `last` with a shift-click, then deletes them at once. */
export async function selectRangeAndDelete (app: CairnApp, first: string, last: string, count: number): Promise<void> {
  const page = app.page
  await app.row(first).getByRole('checkbox').click()
  await app.row(last).getByRole('checkbox').click({ modifiers: ['Shift'] })
  const selection = page.getByRole('region', { name: 'Selection' })
  await expect(selection).toContainText(`${count} selected`)
  await selection.getByRole('button', { name: 'Delete' }).click()
  const confirm = page.getByRole('dialog', { name: `Delete ${count} items?` })
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect(confirm).toHaveCount(0)
}

/** The decoded size of an <img>: waits until it decoded (0 × 0 until then). */
export async function decodedSize (img: Locator): Promise<{ width: number, height: number }> {
  await expect.poll(async () => await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 60_000 }).toBe(true)
  return await img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }))
}

/** The leading cell of a row, where its thumbnail (or its kind's icon) shows. */
export function thumbOf (app: CairnApp, name: string): Locator {
  return app.row(name).locator('.thumb')
}

/** Expects the row of a 600 × 400 photo to show a decoded thumbnail of its shape (256 × 171); returns its size. */
export async function expectPhotoThumbnail (app: CairnApp, name: string): Promise<{ width: number, height: number }> {
  const size = await decodedSize(thumbOf(app, name).locator('img'))
  expect(size.width).toBe(256)
  expect(Math.abs(size.width / size.height - 1.5)).toBeLessThan(0.02)
  return size
}

/**
 * The file browser's walk in one vault, for another browser or screen: make
 * two folders, walk into one by its row and back by the breadcrumbs, upload
 * a PNG and small files there, see the PNG's thumbnail, find a file by
 * searching from the top, download the folder as a zip (equal SHA-256 for
 * every entry), then select a range with a shift-click and delete it.
 */
export async function filesWalk (app: CairnApp, files: TestFiles, passphrase: string): Promise<void> {
  const page = app.page
  const photo = join(files.dir, 'garden.png')
  writeFileSync(photo, makePng(600, 400))
  const a = files.make('a-notes.txt', 1_000)
  const b = files.make('b-data.bin', 40_000)
  const c = files.make('c-more.bin', 200_000)
  await app.open()
  await app.createVault(passphrase)

  await app.newFolder('Photos')
  await app.newFolder('Empty')
  await expect(rowNames(page)).toHaveText(['Empty', 'Photos'])
  await app.row('Photos').getByRole('button', { name: 'Photos', exact: true }).click()
  await expectInFolder(page, 'Photos')
  await app.addFiles([photo, a.path, b.path, c.path])
  await expect(rowNames(page)).toHaveText(['a-notes.txt', 'b-data.bin', 'c-more.bin', 'garden.png'])
  await expectPhotoThumbnail(app, 'garden.png')

  // Back to the top by the breadcrumbs; search finds a file in the folder and says where.
  await crumbs(page).getByRole('button', { name: 'All files' }).click()
  await expect(rowNames(page)).toHaveText(['Empty', 'Photos'])
  await app.search('b-da')
  await expect(app.row('Photos/b-data.bin')).toContainText('in Photos')
  await expect(rowNames(page)).toHaveCount(1)
  await app.search('')
  await expect(rowNames(page)).toHaveText(['Empty', 'Photos'])

  await app.openFolder('Photos')
  expect(await downloadFolderZip(page, 'Photos.zip')).toEqual({
    'a-notes.txt': a.sha256, 'b-data.bin': b.sha256, 'c-more.bin': c.sha256, 'garden.png': sha256(readFileSync(photo))
  })
  await selectRangeAndDelete(app, 'a-notes.txt', 'c-more.bin', 3)
  await expect(rowNames(page)).toHaveText(['garden.png'])
  await page.reload()
  await app.unlock(passphrase)
  await app.openFolder('Photos')
  await expect(rowNames(page)).toHaveText(['garden.png'])
  await expectPhotoThumbnail(app, 'garden.png')
}
