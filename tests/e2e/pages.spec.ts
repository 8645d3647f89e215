import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'

test('the dashboard shows the vault, the browser storage and the node; the logs page streams, filters and copies', async ({ app, profile, files }) => {
  await profile.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const note = files.make('note.txt', 1_234_567)
  await app.open()
  await app.createVault('dashboards tell the truth')
  await app.addFiles([note.path])

  await app.goTo('Dashboard')
  const page = app.page
  const definition = (term: string) => page.locator(`dt:text-is("${term}") + dd`)
  await expect(definition('Status')).toHaveText('Unlocked')
  await expect(definition('Files')).toHaveText('1')
  await expect(definition('Size of your files')).toHaveText('1.23 MB')
  // Ciphertext is a little larger than the plaintext (header, tags, UnixFS and index blocks).
  await expect(definition('Stored (encrypted)')).toHaveText(/^1\.2\d MB$/)
  await expect(definition('Used by this site')).toHaveText(/\d/)
  await expect(page.getByTestId('peer-id')).toHaveText(/^12D3KooW\w{44}$/)

  await app.goTo('Logs')
  const lines = page.getByLabel('Log lines')
  await expect(lines).toContainText('vault created')
  await expect(lines).toContainText(/stored a file of 1234567 bytes/)
  // File names never reach the log.
  await expect(lines).not.toContainText('note.txt')
  // Lines arrive live: a file added from another tab shows up without a reload.
  const other = new CairnApp(await profile.context.newPage())
  await other.open()
  await other.addFiles([files.make('second.bin', 777_777).path])
  await expect(lines).toContainText(/stored a file of 777777 bytes/)

  await page.getByLabel('Level').selectOption('warn')
  await expect(lines).not.toContainText('vault created')
  await page.getByLabel('Level').selectOption('info')
  await expect(lines).toContainText('vault created')
  await page.getByRole('button', { name: 'Copy visible lines' }).click()
  expect(await page.evaluate(async () => await navigator.clipboard.readText())).toContain('vault created')
})

test('onboarding refuses a weak passphrase with the estimator\'s reasons and an example that passes, and asks for the recovery words back', async ({ app }) => {
  await app.open()
  const page = app.page
  const create = page.getByRole('button', { name: 'Create vault' })
  const passphrase = page.getByLabel('Passphrase', { exact: true })
  const confirmation = page.getByLabel('Confirm passphrase')
  const meter = page.locator('.strength:not(.is-stale)')
  // Passphrases a simple character count took; a cracker tries them early.
  for (const weak of ['monkeydragon12', 'Sunflower1', 'correcthorse', 'iloveyoujohn']) {
    await passphrase.fill(weak)
    await confirmation.fill(weak)
    await expect(meter.getByText('not accepted yet')).toBeVisible()
    await expect(create).toBeDisabled()
  }
  // What is wrong, what would help, and a passphrase that would pass.
  await expect(meter.locator('.strength-reasons')).toContainText('commonly used password')
  await expect(meter.locator('.strength-reasons')).toContainText('Add more words')
  const example = (await page.getByTestId('passphrase-example').textContent()) ?? ''
  expect(example).toMatch(/^[a-z]+( [a-z]+){4}$/)
  await passphrase.fill(example)
  await confirmation.fill(example)
  await expect(meter.getByText(/^Strength: (Good|Strong)$/)).toBeVisible()
  await expect(page.getByTestId('passphrase-example')).toHaveCount(0)
  await expect(create).toBeEnabled()

  await passphrase.fill('correct horse battery staple 42')
  await confirmation.fill('correct horse battery staple 42!')
  await expect(create).toBeDisabled()
  await confirmation.fill('correct horse battery staple 42')
  await expect(meter.getByText(/^Strength: (Good|Strong)$/)).toBeVisible()
  await expect(create).toBeEnabled()
  await create.click()

  // A wrong word when typing the phrase back is refused; the right ones go on.
  await page.getByRole('button', { name: 'Continue' }).click()
  const asked = page.getByLabel(/^Word \d+$/)
  await expect(asked).toHaveCount(3)
  for (const field of await asked.all()) await field.fill('zzzz')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('alert').first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Add files' })).toHaveCount(0)
})
