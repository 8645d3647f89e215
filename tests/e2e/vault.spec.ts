import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'
import { searchProfileStorage } from './support/profile-search.ts'

const PASSPHRASE = 'correct horse battery staple orbit'

test('a vault keeps three files across reloads; downloads match; rename and delete persist; no plaintext in OPFS', async ({ profile, files }) => {
  const big = files.make('big-50MB.bin', 50 * 1000 * 1000)
  const accented = files.make('Résumé – 日本語 ✓.txt', 12_345)
  const empty = files.make('empty.dat', 0)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)

  await app.addFiles([big.path, accented.path, empty.path])
  await app.expectListed([big.name, accented.name, empty.name])

  await page.reload()
  await app.expectLocked()
  await app.unlock(PASSPHRASE)
  await app.expectListed([big.name, accented.name, empty.name])

  for (const file of [big, accented, empty]) {
    expect(await app.downloadSha256(file.name), `${file.name} downloads intact`).toBe(file.sha256)
  }

  // The same content again: the app asks before replacing; nothing new is stored and it says so.
  await app.addFiles([accented.path], 'Replace')
  await expect(app.uploads().getByText(/^Already in your vault/)).toBeVisible()

  await app.rename(accented.name, 'renamed.txt')
  await app.delete(empty.name)
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectListed([big.name, 'renamed.txt'])
  await expect(app.row(empty.name)).toHaveCount(0)
  await expect(app.row(accented.name)).toHaveCount(0)
  expect(await app.downloadSha256('renamed.txt')).toBe(accented.sha256)

  // Everything Cairn wrote to OPFS and IndexedDB is ciphertext: neither the
  // content marker nor a file name appears anywhere on disk.
  const hits = searchProfileStorage(profile.userDataDir, {
    'content marker': files.marker,
    'file name': Buffer.from('big-50MB'),
    'renamed file name': Buffer.from('renamed.txt')
  })
  expect(hits.filesSearched).toBeGreaterThan(0)
  expect(hits.bytesSearched).toBeGreaterThan(50 * 1000 * 1000)
  expect(hits.found).toEqual([])
})

test('a wrong passphrase is refused with a clear message and the files stay', async ({ profile, files }) => {
  const note = files.make('note.txt', 2048)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([note.path])
  await page.getByRole('button', { name: 'Lock' }).click()
  await app.expectLocked()

  await app.unlock('not the passphrase at all')
  await expect(page.getByRole('alert')).toContainText(/passphrase/i)
  await app.expectLocked()

  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectListed([note.name])
  expect(await app.downloadSha256(note.name)).toBe(note.sha256)
})

test('auto-lock locks the vault after the idle time and file operations then need the passphrase', async ({ profile }) => {
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.goTo('Settings')
  await page.getByLabel('Auto-lock after (minutes)').fill('0.05')
  await page.getByLabel('Auto-lock after (minutes)').press('Enter')
  await page.getByRole('button', { name: 'Save' }).first().click().catch(() => {})
  // 3 seconds of idleness; the worker locks by itself and the UI follows.
  await app.expectLocked()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
})

test('forgot passphrase: the recovery phrase opens the vault, a typo is refused, and the new passphrase replaces the old', async ({ profile, files }) => {
  const note = files.make('kept.txt', 999)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  const words = await app.createVault(PASSPHRASE)
  await app.addFiles([note.path])
  await page.getByRole('button', { name: 'Lock' }).click()

  await page.getByRole('button', { name: 'Forgot passphrase?' }).click()
  const typo = [...words]
  typo[5] = typo[5] === 'abandon' ? 'ability' : 'abandon'
  await page.getByLabel('Recovery phrase').fill(typo.join(' '))
  await page.getByLabel('New passphrase', { exact: true }).fill('a brand new passphrase for cairn')
  await page.getByLabel('Confirm passphrase').fill('a brand new passphrase for cairn')
  await page.getByRole('button', { name: 'Recover vault' }).click()
  await expect(page.getByRole('alert')).toContainText(/recovery phrase/i)

  await page.getByLabel('Recovery phrase').fill(words.join(' '))
  await page.getByRole('button', { name: 'Recover vault' }).click()
  await app.expectUnlocked()
  await app.expectListed([note.name])

  // Change passphrase in Settings: the old one stops working at once.
  await app.goTo('Settings')
  await page.getByLabel('Current passphrase').fill('a brand new passphrase for cairn')
  await page.getByLabel('New passphrase', { exact: true }).fill('third passphrase is the charm')
  await page.getByLabel('Confirm passphrase').fill('third passphrase is the charm')
  await page.getByRole('button', { name: 'Change passphrase' }).click()
  await expect(page.getByText(/passphrase (was )?changed/i)).toBeVisible()
  await page.getByRole('button', { name: 'Lock' }).click()
  await app.unlock('a brand new passphrase for cairn')
  await expect(page.getByRole('alert')).toContainText(/passphrase/i)
  await app.unlock('third passphrase is the charm')
  await app.expectUnlocked()
  await app.goTo('Files')
  await app.expectListed([note.name])
})

test('offline, a reload still opens the app and lists the files', async ({ profile, files }) => {
  const note = files.make('offline.txt', 4096)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([note.path])
  // The service worker has precached the shell once it controls the page.
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null && navigator.serviceWorker.controller !== null)

  await profile.context.setOffline(true)
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectListed([note.name])
  expect(await app.downloadSha256(note.name)).toBe(note.sha256)
})
