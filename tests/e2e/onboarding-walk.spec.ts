import { validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { expectNoSeriousViolations } from './support/axe.ts'
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
  await expectNoSeriousViolations(page, 'files, the recovery phrase reminder')
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
  await expectNoSeriousViolations(page, 'settings, typing the recovery phrase back')
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
  await expectNoSeriousViolations(page, 'unlock, nothing typed')
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

test('"Forgot passphrase" counts the words, names a mistyped one with its position, and words a checksum failure (a swap) on its own', async ({ app }) => {
  const page = app.page
  await app.open()
  const words = await app.createVault(PASSPHRASE)
  await page.getByRole('button', { name: 'Lock' }).click()
  await page.getByRole('button', { name: 'Forgot passphrase?' }).click()
  const phrase = page.getByLabel('Recovery phrase')
  await expect(phrase).toHaveAccessibleDescription('24 words, in order, separated by spaces or new lines.')
  await phrase.fill(words.slice(0, 5).join(' '))
  await expect(phrase).toHaveAccessibleDescription('5 of 24 words — 19 words still missing.')
  const typo = [...words]
  typo[6] = `${words[6] ?? ''}q`
  await phrase.fill(typo.join(' '))
  await expect(phrase).toHaveAccessibleDescription(`Word 7, “${typo[6] ?? ''}”, is not a recovery word. Check it against the recovery phrase you wrote down.`)
  await page.getByLabel('New passphrase', { exact: true }).fill('a brand new passphrase for cairn')
  await page.getByLabel('Confirm passphrase').fill('a brand new passphrase for cairn')
  await page.getByRole('button', { name: 'Recover vault' }).click()
  await expect(page.getByRole('alert')).toHaveText(`Word 7, “${typo[6] ?? ''}”, is not a recovery word. Check it against the recovery phrase you wrote down.`)
  await expect(phrase).toHaveAttribute('aria-invalid', 'true')
  await expectNoSeriousViolations(page, 'forgot passphrase, a mistyped word')

  // Two words swapped: every word is a recovery word, the checksum says no (the pair is picked so it does).
  const swapped = swapFailingChecksum(words)
  await phrase.fill(swapped.join(' '))
  await expect(phrase).toHaveAccessibleDescription(/^All 24 words are there\./)
  await page.getByRole('button', { name: 'Recover vault' }).click()
  await expect(page.getByRole('alert')).toContainText("All the words are recovery words, but together they don't make a valid recovery phrase")
})

test('"Restore a vault" names a mistyped recovery word and its position before going to the network', async ({ app }) => {
  const page = app.page
  await app.open()
  await page.getByRole('button', { name: 'Restore a vault' }).click()
  const phrase = page.getByLabel('Recovery phrase')
  const words = [...Array<string>(23).fill('abandon'), 'art']
  words[6] = 'abandn'
  await phrase.fill(words.join(' '))
  await expect(phrase).toHaveAccessibleDescription('Word 7, “abandn”, is not a recovery word. Check it against the recovery phrase you wrote down.')
  await page.getByLabel('Backup peer address').fill('/ip4/127.0.0.1/tcp/9/ws/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN')
  await page.getByLabel('New passphrase', { exact: true }).fill('a brand new passphrase for cairn')
  await page.getByLabel('Confirm passphrase').fill('a brand new passphrase for cairn')
  await page.getByRole('button', { name: 'Restore vault' }).click()
  await expect(page.getByRole('alert')).toHaveText('Word 7, “abandn”, is not a recovery word. Check it against the recovery phrase you wrote down.')
  await expect(phrase).toHaveAttribute('aria-invalid', 'true')
})

/** The words with two of them swapped such that the BIP-39 checksum fails. */
function swapFailingChecksum (words: string[]): string[] {
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      if (words[i] === words[j]) continue
      const swapped = [...words]
      swapped[i] = words[j] ?? ''
      swapped[j] = words[i] ?? ''
      if (!validateMnemonic(swapped.join(' '), wordlist)) return swapped
    }
  }
  throw new Error('no swap fails the checksum')
}
