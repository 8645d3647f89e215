import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'folders and drops both count'

test('a whole folder keeps its structure, a dropped file is added, and the list sorts and filters', async ({ profile, files }) => {
  mkdirSync(join(files.dir, 'trip', 'day 1'), { recursive: true })
  const a = files.make(join('trip', 'day 1', 'a.txt'), 300)
  const b = files.make(join('trip', 'b.txt'), 5000)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)

  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add folder' }).click()
  await (await chooser).setFiles(join(files.dir, 'trip'))
  await expect(app.uploads().getByText(/^Stored/)).toHaveCount(2)
  await app.expectListed(['trip/day 1/a.txt', 'trip/b.txt'])
  await app.openFolder('trip/day 1')
  expect(await app.downloadSha256('a.txt')).toBe(a.sha256)
  await app.openFolder('')

  // Drag and drop a file onto the window.
  await page.evaluate(() => {
    const transfer = new DataTransfer()
    transfer.items.add(new File(['dropped on the window'], 'dropped.txt', { type: 'text/plain' }))
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }))
    }
  })
  await expect(app.row('dropped.txt')).toHaveCount(1)

  // Sort by size one way and the other (the folder stays first), then search by name.
  const names = page.getByRole('row').locator('button.row-open')
  await page.getByRole('button', { name: 'Sort by size' }).click()
  await expect(names).toHaveText(['trip', 'dropped.txt'])
  await page.getByRole('button', { name: 'Sort by size' }).click()
  await expect(names).toHaveText(['trip', 'dropped.txt'])
  await app.search('drop')
  await expect(page.getByRole('row').filter({ hasText: 'dropped.txt' })).toHaveCount(1)
  await expect(page.getByRole('row').filter({ hasText: 'b.txt' })).toHaveCount(0)
  expect(b.size).toBe(5000)
})
