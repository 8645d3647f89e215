import { expect, test } from './support/fixtures.ts'

const PASSPHRASE = 'correct horse battery staple orbit'

test('a tab closed on "Write down your recovery phrase" is reminded after unlock until the words are shown and typed back', async ({ app }) => {
  const page = app.page
  await app.open()
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE)
  await page.getByRole('button', { name: 'Create vault' }).click()
  await expect(page.getByTestId('recovery-phrase')).toBeVisible()
  // The user reloads instead of writing the words down.
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
  const reminder = page.getByRole('region', { name: 'Recovery phrase reminder' })
  await expect(reminder).toContainText('You have not written down your recovery phrase yet')
  // It has no Dismiss: it stays on other pages and after a reload.
  await expect(reminder.getByRole('button', { name: /dismiss/i })).toHaveCount(0)
  await app.goTo('Dashboard')
  await expect(reminder).toBeVisible()
  await page.reload()
  await app.unlock(PASSPHRASE)
  await expect(reminder).toBeVisible()

  // Doing it: the button leads to the words (after the passphrase), then three of them typed back.
  await reminder.getByRole('button', { name: 'Write it down now' }).click()
  const dialog = page.getByRole('dialog', { name: 'Show recovery phrase' })
  await dialog.getByLabel('Passphrase').fill(PASSPHRASE)
  await dialog.getByRole('button', { name: 'Show recovery phrase' }).click()
  const shown = page.getByTestId('recovery-phrase')
  await expect(shown).toBeVisible()
  const words = (await shown.textContent() ?? '').trim().split(/\s+/)
  expect(words).toHaveLength(24)
  await page.getByRole('button', { name: 'I wrote them down' }).click()
  const asked = page.getByLabel(/^Word \d+$/)
  await expect(asked).toHaveCount(3)
  for (const field of await asked.all()) await field.fill('zzzz')
  await page.getByRole('button', { name: 'Confirm' }).click()
  await expect(page.getByRole('alert')).toContainText("match your recovery phrase")
  await expect(reminder).toBeVisible()
  for (const field of await asked.all()) {
    const position = Number(/Word (\d+)/.exec(await page.locator(`label[for="${await field.getAttribute('id') ?? ''}"]`).textContent() ?? '')?.[1])
    await field.fill(words[position - 1] ?? '')
  }
  await page.getByRole('button', { name: 'Confirm' }).click()
  await expect(page.getByText('Recovery phrase confirmed')).toBeVisible()
  await expect(reminder).toHaveCount(0)
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
  await expect(reminder).toHaveCount(0)
})

test('a vault whose words were typed back in onboarding is never reminded', async ({ app }) => {
  const page = app.page
  await app.open()
  await app.createVault(PASSPHRASE)
  await expect(page.getByRole('region', { name: 'Recovery phrase reminder' })).toHaveCount(0)
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
  await expect(page.getByRole('region', { name: 'Recovery phrase reminder' })).toHaveCount(0)
})

test('Unlock with nothing typed says "Type your passphrase" on the field, by click or by Enter', async ({ app }) => {
  const page = app.page
  await app.open()
  await app.createVault(PASSPHRASE)
  await page.getByRole('button', { name: 'Lock' }).click()
  await app.expectLocked()
  const field = page.getByLabel('Passphrase', { exact: true })
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByRole('alert')).toHaveText('Type your passphrase.')
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(field).toHaveAccessibleDescription(/Type your passphrase/)
  await field.fill('x')
  await expect(page.getByRole('alert')).toHaveCount(0)
  await field.fill('')
  await field.press('Enter')
  await expect(page.getByRole('alert')).toHaveText('Type your passphrase.')
  // A wrong passphrase is described on the field the same way.
  await field.fill('not the passphrase at all')
  await field.press('Enter')
  await expect(field).toHaveAccessibleDescription(/passphrase doesn't open this vault/)
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
})
