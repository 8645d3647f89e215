import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { makePdf } from './support/pdf.ts'
import { makePng } from './support/png.ts'
import { decodedSize, expectPhotoThumbnail, thumbOf } from './support/files-steps.ts'

const PASSPHRASE = 'pictures of the garden in spring'

function noErrorShown (page: Page): Promise<void> {
  return expect(page.getByRole('alert')).toHaveCount(0)
}

/** Serious and critical accessibility violations axe finds on the page (the open dialog only, when one is). */
async function seriousViolations (page: Page, within?: string): Promise<string[]> {
  // @axe-core/playwright types its page against its own playwright-core copy: the same object at run time.
  const builder = new AxeBuilder({ page: page as unknown as ConstructorParameters<typeof AxeBuilder>[0]['page'] })
  const results = await (within !== undefined ? builder.include(within) : builder).analyze()
  return results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
}

test('an uploaded PNG gets a thumbnail in its row and the grid; the viewer steps through an image, text and a PDF; a corrupt image gets none, quietly', async ({ profile, files }) => {
  test.setTimeout(240_000)
  const png = join(files.dir, 'garden.png')
  writeFileSync(png, makePng(600, 400))
  const text = join(files.dir, 'notes.txt')
  writeFileSync(text, 'Plant the beans <b>after</b> the frost.\n<script>document.title = "ran"</script>\n')
  const pdf = join(files.dir, 'leaflet.pdf')
  writeFileSync(pdf, makePdf('Hello PDF'))
  const broken = join(files.dir, 'broken.png')
  writeFileSync(broken, Buffer.concat([makePng(40, 40).subarray(0, 30), Buffer.alloc(2000, 7)]))

  const page = await profile.context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (err) => { pageErrors.push(err.message) })
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([png, text, pdf, broken])

  // The row's leading cell: a decoded image of the photo's shape (600 × 400 → 256 × 171).
  const row = await expectPhotoThumbnail(app, 'garden.png')
  // The corrupt "image" ends with no thumbnail, and the page says nothing about it.
  await expect(thumbOf(app, 'broken.png')).toHaveAttribute('data-thumb', 'none', { timeout: 60_000 })
  await expect(thumbOf(app, 'broken.png').locator('img')).toHaveCount(0)
  await expect(thumbOf(app, 'notes.txt')).toHaveAttribute('data-thumb', 'none')
  await noErrorShown(page)

  // The grid view shows the same thumbnail, and a kind for the rest.
  await page.getByRole('group', { name: 'Show files as' }).getByRole('button', { name: 'Grid' }).click()
  const grid = page.getByRole('list', { name: 'Files' })
  const card = grid.getByRole('link', { name: /garden\.png/ })
  const gridSize = await decodedSize(card.locator('img'))
  expect(Math.abs(gridSize.width / gridSize.height - 1.5)).toBeLessThan(0.02)
  await expect(grid.getByRole('link', { name: /leaflet\.pdf/ })).toContainText('PDF')
  expect(await seriousViolations(page)).toEqual([])

  // The viewer, in the list's order (broken, garden, leaflet, notes): the image, → the PDF (sandboxed),
  // Next → the text (shown as text), ← back to the PDF, Previous to the image, Esc closes.
  await card.click()
  const viewer = page.getByRole('dialog', { name: 'garden.png' })
  await expect(viewer).toBeVisible()
  const shown = await decodedSize(viewer.getByRole('img', { name: 'Preview of garden.png' }))
  expect(shown).toEqual({ width: 600, height: 400 })
  await page.keyboard.press('ArrowRight')
  const pdfViewer = page.getByRole('dialog', { name: 'leaflet.pdf' })
  const frame = pdfViewer.locator('iframe[title="Preview of leaflet.pdf"]')
  await expect(frame).toBeVisible()
  const src = await frame.getAttribute('src') ?? ''
  expect(src).toMatch(/^\/download\/[^/?]+\?inline$/)
  const headers = await page.evaluate(async (url) => {
    const response = await fetch(url)
    return { csp: response.headers.get('content-security-policy'), disposition: response.headers.get('content-disposition') }
  }, src)
  expect((headers.csp ?? '').split(';').map(d => d.trim())).toEqual(expect.arrayContaining(['sandbox', "default-src 'none'"]))
  expect(headers.disposition ?? '').toMatch(/^inline;/)
  await pdfViewer.getByRole('button', { name: 'Next →' }).click()
  const textPreview = page.getByRole('dialog', { name: 'notes.txt' }).getByLabel('Preview of notes.txt')
  await expect(textPreview).toContainText('<b>after</b> the frost')
  await expect(textPreview).toContainText('<script>')
  expect(await page.title()).not.toBe('ran')
  expect(await seriousViolations(page, 'dialog.viewer')).toEqual([])
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByRole('dialog', { name: 'leaflet.pdf' })).toBeVisible()
  await page.getByRole('dialog', { name: 'leaflet.pdf' }).getByRole('button', { name: '← Previous' }).click()
  await expect(page.getByRole('dialog', { name: 'garden.png' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  await page.getByRole('group', { name: 'Show files as' }).getByRole('button', { name: 'List' }).click()
  await noErrorShown(page)

  // After a reload the thumbnail comes back from the vault's store.
  const workers: string[] = []
  page.on('worker', (worker) => { workers.push(worker.url()) })
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
  const again = await decodedSize(thumbOf(app, 'garden.png').locator('img'))
  expect(again).toEqual(row)
  await expect(thumbOf(app, 'broken.png')).toHaveAttribute('data-thumb', 'none', { timeout: 60_000 })
  // Neither was decoded again: the photo's came from the store, the corrupt one is remembered as having none.
  expect(workers.filter(url => url.includes('thumbnail'))).toEqual([])
  await noErrorShown(page)
  expect(pageErrors).toEqual([])
})
