import { expect, test } from './support/fixtures.ts'

const PASSPHRASE = 'keys only, no mouse at all'

test('a dialog opened by keyboard (from a row menu, a button, a file name) gives focus back to what opened it when it closes', async ({ app, files }) => {
  const page = app.page
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([files.make('notes.txt', 300).path, files.make('plan.txt', 400).path])

  const more = app.row('notes.txt').getByRole('button', { name: 'More for notes.txt', exact: true })
  const menuItem = async (name: string): Promise<void> => {
    await more.focus()
    await page.keyboard.press('Enter')
    const item = page.getByRole('menu').getByRole('menuitem', { name, exact: true })
    while (!await item.evaluate(el => el === document.activeElement)) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
  }

  // Rename, then Escape: the dialog closes and the keyboard user is back on the row, not at the top of the page.
  await menuItem('Rename')
  const rename = page.getByRole('dialog', { name: 'Rename notes.txt' })
  await expect(rename.getByRole('textbox', { name: 'New name' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(rename).toHaveCount(0)
  await expect(more).toBeFocused()

  // Delete, then Cancel: the same.
  await menuItem('Delete')
  const remove = page.getByRole('dialog', { name: 'Delete notes.txt?' })
  await expect(remove).toBeVisible()
  await remove.getByRole('button', { name: 'Cancel' }).press('Enter')
  await expect(remove).toHaveCount(0)
  await expect(more).toBeFocused()

  // Rename with Enter: saved, and focus stays on the renamed row.
  await menuItem('Rename')
  // Keys go where focus is: wait for the field, or Control+A and the name land elsewhere.
  await expect(page.getByRole('dialog', { name: 'Rename notes.txt' }).getByRole('textbox', { name: 'New name' })).toBeFocused()
  await page.keyboard.press('Control+A')
  await page.keyboard.type('minutes.txt')
  await page.keyboard.press('Enter')
  await expect(app.row('minutes.txt')).toHaveCount(1)
  await expect(app.row('minutes.txt').getByRole('button', { name: 'More for minutes.txt', exact: true })).toBeFocused()

  // Any dialog: "New folder" and the viewer give focus back to the button that opened them.
  const newFolder = page.getByRole('button', { name: 'New folder' })
  await newFolder.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'New folder' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'New folder' })).toHaveCount(0)
  await expect(newFolder).toBeFocused()
  const open = app.row('plan.txt').getByRole('button', { name: 'plan.txt', exact: true })
  await open.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'plan.txt' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'plan.txt' })).toHaveCount(0)
  await expect(open).toBeFocused()
})
