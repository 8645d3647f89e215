import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'a folder deleted by mistake'

test('a folder deleted by mistake comes back in one go: search the Trash, select all shown, restore; a taken name gets "(2)"; the rest stays selectable and deletes for good', async ({ profile, files }) => {
  const photos = Array.from({ length: 12 }, (_, i) => files.make(`photo-${String(i).padStart(2, '0')}.jpg`, 2_000 + i))
  const other = files.make('keep-in-trash.txt', 500)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.newFolder('Holiday')
  await app.row('Holiday').getByRole('button', { name: 'Holiday', exact: true }).click()
  await app.addFiles(photos.map(p => p.path))
  await app.openFolder('')
  await app.addFiles([other.path])
  await app.delete('keep-in-trash.txt')

  // The whole folder to the Trash, then a new file takes one of its names.
  await (await app.rowMenu('Holiday')).getByRole('menuitem', { name: 'Delete' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  await expect(app.row('Holiday')).toHaveCount(0)
  await app.newFolder('Holiday')
  await app.row('Holiday').getByRole('button', { name: 'Holiday', exact: true }).click()
  const newer = files.make('photo-03.jpg', 999)
  await app.addFiles([newer.path])

  await app.goTo('Trash')
  await expect(page.getByRole('checkbox', { name: /^Select Holiday\// })).toHaveCount(12)
  await page.getByRole('searchbox', { name: 'Search the Trash' }).fill('holiday/')
  await expect(page.getByRole('checkbox', { name: 'Select keep-in-trash.txt' })).toHaveCount(0)
  await page.getByRole('checkbox', { name: 'Select all shown' }).check()
  const selection = page.getByRole('group', { name: 'Selected files' })
  await expect(selection).toContainText('12 selected')
  await selection.getByRole('button', { name: 'Restore all 12' }).click()
  await expect(page.getByRole('status')).toHaveText('Restored 12 files. 1 got a new name: theirs was taken.')
  await expect(page.getByText('Nothing in the Trash matches “holiday/”.')).toBeVisible()
  await page.getByRole('searchbox', { name: 'Search the Trash' }).fill('')
  await expect(page.getByRole('checkbox', { name: /^Select (?!all)/ })).toHaveCount(1)

  // Back in the folder, intact; the file that took a name keeps it.
  await app.goTo('Files')
  await app.openFolder('Holiday')
  await expect(page.getByRole('row').filter({ hasText: /photo-\d\d/ })).toHaveCount(13)
  expect(await app.downloadSha256('photo-11.jpg')).toBe(photos[11]?.sha256)
  expect(await app.downloadSha256('photo-03 (2).jpg')).toBe(photos[3]?.sha256)
  expect(await app.downloadSha256('photo-03.jpg')).toBe(newer.sha256)

  // Delete for good only what is ticked.
  await app.goTo('Trash')
  await page.getByRole('checkbox', { name: 'Select keep-in-trash.txt' }).check()
  await page.getByRole('group', { name: 'Selected files' }).getByRole('button', { name: 'Delete for good' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete this file for good?' })
  await expect(confirm).toContainText('The selected file is deleted from this device for good')
  await confirm.getByRole('button', { name: 'Delete for good' }).click()
  await expect(page.getByText('The Trash is empty.')).toBeVisible()
})
