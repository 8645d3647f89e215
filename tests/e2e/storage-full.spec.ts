import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'full disks happen to everyone'

test('when storage is full the upload fails with a clear message and nothing already stored is lost', async ({ profile, files }) => {
  const kept = files.make('kept.bin', 2 * 1024 * 1024)
  const tooBig = files.make('too-big.bin', 60 * 1024 * 1024)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([kept.path])

  // Give this origin a small quota, as a nearly full disk would.
  const cdp = await profile.context.newCDPSession(page)
  const origin = new URL(CairnApp.appUrl()).origin
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 20 * 1024 * 1024 })

  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files' }).click()
  await (await chooser).setFiles([tooBig.path])
  await expect(page.getByRole('alert')).toContainText(/storage .*is full/i, { timeout: 60_000 })
  await expect(app.row(tooBig.name)).toHaveCount(0)

  // Back to a normal quota: the vault still opens and the earlier file is intact.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin })
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectListed([kept.name])
  await expect(app.row(tooBig.name)).toHaveCount(0)
  expect(await app.downloadSha256(kept.name)).toBe(kept.sha256)
  await app.addFiles([files.make('after.txt', 1000).path])
  await app.expectListed(['after.txt'])
})

test('a user whose storage is full deletes a file, empties the Trash, and can add files again without more quota', async ({ profile, files }) => {
  const old = files.make('old-video.bin', 30 * 1024 * 1024)
  const kept = files.make('kept.txt', 1000)
  const next = files.make('next.bin', 20 * 1024 * 1024)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([old.path, kept.path])

  // A nearly full disk: room for 5 MiB more, and the quota stays so to the end.
  const cdp = await profile.context.newCDPSession(page)
  const origin = new URL(CairnApp.appUrl()).origin
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 5 * 1024 * 1024 })

  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files' }).click()
  await (await chooser).setFiles([next.path])
  await expect(page.getByRole('alert')).toContainText(/storage .*is full/i, { timeout: 60_000 })
  await expect(app.row(next.name)).toHaveCount(0)

  // Deleting the big file and emptying the Trash gives its space back.
  await app.delete(old.name)
  await app.goTo('Trash')
  await page.getByRole('button', { name: 'Empty trash' }).click()
  await page.getByRole('dialog', { name: 'Empty the Trash?' }).getByRole('button', { name: 'Empty trash' }).click()
  await expect(page.getByText('The Trash is empty.')).toBeVisible()
  await app.goTo('Files')

  await app.addFiles([next.path])
  await app.expectListed([kept.name, next.name])
  expect(await app.downloadSha256(next.name)).toBe(next.sha256)
  expect(await app.downloadSha256(kept.name)).toBe(kept.sha256)
})
