import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expectDownloadErrorShown } from './support/download-error-steps.ts'
import { crumbs, downloadFolderZip, expectInFolder, rowNames, selectRangeAndDelete } from './support/files-steps.ts'

const PASSPHRASE = 'walk into every folder please'

test('folders: make, walk, upload into, move (dialog and drag), rename, search, sort, select and delete, zip, keys', async ({ profile, files }) => {
  const small = files.make('small.txt', 100)
  const medium = files.make('medium.bin', 20_000)
  const large = files.make('large.bin', 300_000)
  const notes = files.make('notes.txt', 1_000)
  const dragged = files.make('drag-me.txt', 2_000)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)

  // Two folders, one stays empty; both survive a reload.
  await app.newFolder('Projects')
  await app.newFolder('Archive')
  await expect(app.row('Projects').getByRole('cell', { name: 'Folder' })).toBeVisible()
  await page.reload()
  await app.unlock(PASSPHRASE)
  await expect(rowNames(page)).toHaveText(['Archive', 'Projects'])

  // Walk into Projects and upload there; the files land in it.
  await app.row('Projects').getByRole('button', { name: 'Projects', exact: true }).click()
  await expectInFolder(page, 'Projects')
  await app.addFiles([small.path, medium.path, large.path])
  await expect(rowNames(page)).toHaveText(['large.bin', 'medium.bin', 'small.txt'])
  await expect(app.row('large.bin').getByRole('cell', { name: 'File', exact: true })).toBeVisible()
  await expect(app.row('small.txt').getByRole('cell', { name: 'Text', exact: true })).toBeVisible()

  // Sort by size: largest first, then the other way.
  await page.getByRole('button', { name: 'Sort by size' }).click()
  await expect(rowNames(page)).toHaveText(['large.bin', 'medium.bin', 'small.txt'])
  await page.getByRole('button', { name: 'Sort by size' }).click()
  await expect(rowNames(page)).toHaveText(['small.txt', 'medium.bin', 'large.bin'])
  await page.getByRole('button', { name: 'Sort by name' }).click()

  // Back out by the breadcrumbs; add two files at the top.
  await crumbs(page).getByRole('button', { name: 'All files' }).click()
  await app.addFiles([notes.path, dragged.path])
  await expect(rowNames(page)).toHaveText(['Archive', 'Projects', 'drag-me.txt', 'notes.txt'])

  // Move one with "Move to…", drag the other onto a folder row.
  await (await app.rowMenu('notes.txt')).getByRole('menuitem', { name: 'Move to…' }).click()
  const move = page.getByRole('dialog', { name: 'Move “notes.txt”' })
  await move.getByRole('radio', { name: 'Archive' }).check()
  await move.getByRole('button', { name: 'Move', exact: true }).click()
  await expect(app.row('notes.txt')).toHaveCount(0)
  await app.row('drag-me.txt').dragTo(app.row('Projects'))
  await expect(app.row('drag-me.txt')).toHaveCount(0)
  await app.openFolder('Archive')
  await expect(rowNames(page)).toHaveText(['notes.txt'])

  // Rename Projects: its files go with it.
  await crumbs(page).getByRole('button', { name: 'All files' }).click()
  await (await app.rowMenu('Projects')).getByRole('menuitem', { name: 'Rename' }).click()
  const rename = page.getByRole('dialog', { name: 'Rename folder Projects' })
  await rename.getByRole('textbox', { name: 'New name' }).fill('Work')
  await rename.getByRole('button', { name: 'Save' }).click()
  await expect(rowNames(page)).toHaveText(['Archive', 'Work'])

  // Search finds a file in a nested folder and says where it is.
  await app.search('medium')
  await expect(app.row('Work/medium.bin')).toHaveCount(1)
  await expect(app.row('Work/medium.bin')).toContainText('in Work')
  await app.search('')

  // The folder as one zip: every entry equals what was uploaded.
  await app.openFolder('Work')
  await expect(rowNames(page)).toHaveText(['drag-me.txt', 'large.bin', 'medium.bin', 'small.txt'])
  expect(await downloadFolderZip(page, 'Work.zip')).toEqual({
    'drag-me.txt': dragged.sha256, 'large.bin': large.sha256, 'medium.bin': medium.sha256, 'small.txt': small.sha256
  })

  // Select with a click and a shift-click, then delete the three at once.
  await selectRangeAndDelete(app, 'drag-me.txt', 'medium.bin', 3)
  await expect(rowNames(page)).toHaveText(['small.txt'])

  // Keys: "/" searches, arrows and Enter walk, Ctrl+A selects, Delete asks, "?" lists them.
  await crumbs(page).getByRole('button', { name: 'All files' }).click()
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('/')
  await expect(page.getByRole('searchbox', { name: 'Search files' })).toBeFocused()
  await page.keyboard.type('x/')
  await expect(page.getByRole('searchbox', { name: 'Search files' })).toHaveValue('x/')
  await app.search('')
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await expect(app.row('Work').getByRole('button', { name: 'Work', exact: true })).toBeFocused()
  await page.keyboard.press('Enter')
  await expectInFolder(page, 'Work')
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('Control+a')
  await expect(page.getByRole('region', { name: 'Selection' })).toContainText('1 selected')
  await page.keyboard.press('Delete')
  await expect(page.getByRole('dialog', { name: 'Delete small.txt?' })).toBeVisible()
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
  await page.keyboard.press('?')
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Search by name')
})

test('dragging files over the window shows where they will land, and they land in the folder shown', async ({ profile }) => {
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.newFolder('Inbox')
  await app.openFolder('Inbox')
  await page.evaluate(() => {
    const transfer = new DataTransfer()
    transfer.items.add(new File(['dropped into a folder'], 'dropped.txt', { type: 'text/plain' }))
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true, cancelable: true }))
    ;(window as unknown as { cairnDrop: DataTransfer }).cairnDrop = transfer
  })
  await expect(page.getByTestId('drop-overlay')).toContainText('Drop to add to “Inbox”')
  await page.evaluate(() => {
    const transfer = (window as unknown as { cairnDrop: DataTransfer }).cairnDrop
    for (const type of ['dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }))
  })
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0)
  await expect(app.row('Inbox/dropped.txt')).toHaveCount(1)
  // A download that fails before its first byte says why in the page (in Firefox too: firefox-files.spec.ts).
  await expectDownloadErrorShown(app)
})
