import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'
import { eavesdrop } from './support/eavesdrop.ts'

const FIRST = 'secrets stay with the node alone'
const SECOND = 'a second passphrase for this vault'
const THIRD = 'third time the passphrase changes'

test('a tab that does not run the node unlocks, downloads, recovers, changes the passphrase and shows the phrase without any of it reaching another page', async ({ profile, files }) => {
  const note = files.make('quiet.txt', 2048)
  const leader = new CairnApp(await profile.context.newPage())
  await leader.open()
  const words = await leader.createVault(FIRST)
  await leader.addFiles([note.path])
  await leader.page.getByRole('button', { name: 'Lock' }).click()
  await leader.expectLocked()

  // Another same-origin page listens on the channel every Cairn tab uses.
  const listener = new CairnApp(await profile.context.newPage())
  await listener.open()
  await listener.expectLocked()
  const heard = await eavesdrop(listener.page)

  const tab = new CairnApp(await profile.context.newPage())
  await tab.open()
  await tab.unlock(FIRST)
  await tab.expectUnlocked()
  await tab.expectListed([note.name])
  // A download from this tab: the file's id would let any same-origin page fetch it.
  const href = await (await tab.downloadLink(note.name)).getAttribute('href') ?? ''
  await tab.page.keyboard.press('Escape')
  const fileId = decodeURIComponent(href.slice(href.lastIndexOf('/') + 1))
  expect(fileId.length).toBeGreaterThan(8)
  expect(await tab.downloadSha256(note.name)).toBe(note.sha256)
  await tab.page.getByRole('button', { name: 'Lock' }).click()

  await tab.page.getByRole('button', { name: 'Forgot passphrase?' }).click()
  await tab.page.getByLabel('Recovery phrase').fill(words.join(' '))
  await tab.page.getByLabel('New passphrase', { exact: true }).fill(SECOND)
  await tab.page.getByLabel('Confirm passphrase').fill(SECOND)
  await tab.page.getByRole('button', { name: 'Recover vault' }).click()
  await tab.expectUnlocked()

  await tab.goTo('Settings')
  await tab.page.getByLabel('Current passphrase').fill(SECOND)
  await tab.page.getByLabel('New passphrase', { exact: true }).fill(THIRD)
  await tab.page.getByLabel('Confirm passphrase').fill(THIRD)
  await tab.page.getByRole('button', { name: 'Change passphrase' }).click()
  await expect(tab.page.getByText(/passphrase (was )?changed/i)).toBeVisible()

  await tab.page.getByRole('button', { name: 'Show recovery phrase' }).click()
  await tab.page.getByRole('dialog').getByLabel('Passphrase').fill(THIRD)
  await tab.page.getByRole('dialog').getByRole('button', { name: 'Show recovery phrase' }).click()
  await expect(tab.page.getByTestId('recovery-phrase')).toContainText(words.slice(0, 3).join(' '))

  // The node ran all of it: the leader tab, which the other tab reached, shows the vault open.
  await leader.expectUnlocked()
  const said = (await heard()).join('\n')
  // The listener did hear the channel (the new tab asked who leads)...
  expect(said).toContain('who-leads')
  // ...but no passphrase, no recovery word, no file id, nothing of a call or its result.
  const wordPairs = words.slice(1).map((word, i) => `${words[i] ?? ''} ${word}`)
  for (const secret of [FIRST, SECOND, THIRD, ...wordPairs, fileId]) expect(said).not.toContain(secret)
  expect(said).not.toContain('vault.')
})

test('after a lock ends the hash worker (and its key), the next unlock hashes with a fresh one: the same content is still found', async ({ app, files }) => {
  const photo = files.make('photo.jpg', 300_000)
  await app.open()
  await app.createVault(FIRST)
  await app.addFiles([photo.path])
  await app.page.getByRole('button', { name: 'Lock' }).click()
  await app.unlock(FIRST)
  await app.expectUnlocked()

  // The same bytes under another name: the dedup tag, computed by the new hash worker, matches.
  const copy = join(files.dir, 'photo copy.jpg')
  copyFileSync(photo.path, copy)
  const chooser = app.page.waitForEvent('filechooser')
  await app.page.getByRole('button', { name: 'Add files' }).click()
  await (await chooser).setFiles([copy])
  await expect(app.uploads().getByText(/Already in your vault|same content was already stored/)).toHaveCount(1)
  await app.expectListed([photo.name, 'photo copy.jpg'])
  expect(await app.downloadSha256('photo copy.jpg')).toBe(photo.sha256)
})
