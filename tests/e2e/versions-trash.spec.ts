import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'nothing is lost here, ever'

test('a replaced file keeps its earlier version, keep both adds "name (2)", and deleted files wait in the Trash', async ({ profile, files }) => {
  mkdirSync(join(files.dir, 'new'))
  const first = files.make('report.txt', 3000)
  const second = files.make(join('new', 'report.txt'), 5000)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([first.path])

  // A file of the same name: the app asks, and Replace keeps the old one under Versions.
  await app.pickFiles([second.path])
  const ask = page.getByRole('dialog', { name: 'Replace or keep both?' })
  await expect(ask).toContainText('“report.txt” is already in your vault.')
  await ask.getByRole('button', { name: 'Replace' }).click()
  await expect(app.uploads().getByText(/^Replaced/)).toBeVisible()
  await expect(app.row('report.txt')).toHaveCount(1)
  expect(await app.downloadSha256('report.txt')).toBe(second.sha256)

  await (await app.rowMenu('report.txt')).getByRole('menuitem', { name: 'Versions' }).click()
  const versions = page.getByRole('dialog', { name: 'Versions of report.txt' })
  const earlier = versions.getByRole('row').filter({ hasText: '3.00 KB' })
  await expect(earlier).toHaveCount(1)
  await expect(earlier).toContainText('This device')
  await earlier.getByRole('button', { name: /^Restore/ }).click()
  await expect(versions.getByRole('status')).toContainText('Restored the version saved')
  // The version it replaced is kept in turn.
  await expect(versions.getByRole('row').filter({ hasText: 'This device' })).toHaveCount(1)
  await expect(versions.getByRole('row').filter({ hasText: '5.00 KB' })).toHaveCount(1)
  await versions.getByRole('button', { name: 'Close' }).click()
  expect(await app.downloadSha256('report.txt')).toBe(first.sha256)

  // Keep both: the new file is added beside it as "report (2).txt".
  await app.addFiles([second.path], 'Keep both')
  await app.expectListed(['report (2).txt'])
  expect(await app.downloadSha256('report (2).txt')).toBe(second.sha256)
  expect(await app.downloadSha256('report.txt')).toBe(first.sha256)

  // Delete says what happens, and the file waits in the Trash.
  await (await app.rowMenu('report (2).txt')).getByRole('menuitem', { name: 'Delete' }).click()
  const confirm = page.getByRole('dialog')
  await expect(confirm).toContainText('goes to the Trash')
  // No backup peer is paired here: the dialog promises no peer copy (trash-peer-words.spec.ts covers a peer).
  await expect(confirm).not.toContainText('backup peer')
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect(app.row('report (2).txt')).toHaveCount(0)
  await app.goTo('Trash')
  await page.getByRole('button', { name: 'Restore report (2).txt' }).click()
  await expect(page.getByRole('status')).toContainText('Restored “report (2).txt”.')
  await expect(page.getByText('The Trash is empty.')).toBeVisible()
  await app.goTo('Files')
  expect(await app.downloadSha256('report (2).txt')).toBe(second.sha256)

  // Delete again, then Empty trash: gone for good.
  await app.delete('report (2).txt')
  await app.goTo('Trash')
  await expect(app.row('report (2).txt')).toHaveCount(1)
  await page.getByRole('button', { name: 'Empty trash' }).click()
  await page.getByRole('dialog', { name: 'Empty the Trash?' }).getByRole('button', { name: 'Empty trash' }).click()
  await expect(page.getByText('The Trash is empty.')).toBeVisible()

  // All of it is in the encrypted index: it holds after a reload.
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectListed(['report.txt'])
  await expect(app.row('report (2).txt')).toHaveCount(0)
  await (await app.rowMenu('report.txt')).getByRole('menuitem', { name: 'Versions' }).click()
  await expect(page.getByRole('dialog', { name: 'Versions of report.txt' }).getByRole('row').filter({ hasText: 'This device' })).toHaveCount(1)
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
  await app.goTo('Trash')
  await expect(page.getByText('The Trash is empty.')).toBeVisible()
})

test('a file named ".." is refused in words that fit, and known content under a new name says no new space was used', async ({ profile, files }) => {
  const original = files.make('photo.jpg', 4000)
  const copy = join(files.dir, 'photo copy.jpg')
  copyFileSync(original.path, copy)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([original.path])
  await app.addFiles([copy])
  await expect(app.uploads().getByText('Added — same content was already stored, no new space used')).toBeVisible()
  expect(await app.downloadSha256('photo copy.jpg')).toBe(original.sha256)

  await page.evaluate(() => {
    const transfer = new DataTransfer()
    transfer.items.add(new File(['dots'], '..', { type: 'text/plain' }))
    for (const type of ['dragenter', 'dragover', 'drop']) {
      window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }))
    }
  })
  const refused = app.uploads().getByRole('alert')
  await expect(refused).toContainText('can\'t be called “.” or “..”')
  await expect(refused).not.toContainText('/')
})
