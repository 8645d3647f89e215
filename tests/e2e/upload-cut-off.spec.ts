import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'correct horse battery staple orbit'

// A reload (or a closed tab) in the middle of an upload stops it; before, the file was
// simply missing after the next unlock, and the user was never told to add it again.
test('an upload cut off by a reload is named after the next unlock, once, and the vault keeps what finished', async ({ profile, files }) => {
  const kept = files.make('kept.txt', 4096)
  const big = files.make('holiday-video.bin', 400 * 1000 * 1000)
  const page = await profile.context.newPage()
  const app = new CairnApp(page)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([kept.path])

  await app.pickFiles([big.path])
  const progress = page.getByRole('progressbar', { name: `Adding ${big.name}` })
  await expect.poll(async () => Number(await progress.getAttribute('value') ?? 0), { timeout: 60_000 }).toBeGreaterThan(20 * 1000 * 1000)
  await page.reload()

  await app.unlock(PASSPHRASE)
  await app.expectListed([kept.name])
  const alert = page.getByRole('alert').filter({ hasText: 'cut off before it finished' })
  await expect(alert).toContainText(`“${big.name}”`)
  await expect(alert).toContainText('Add it again')
  await expect(app.row(big.name)).toHaveCount(0)
  await alert.getByRole('button', { name: 'Dismiss' }).click()
  await expect(alert).toHaveCount(0)

  // Told once: the next unlock has nothing to say.
  await page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectListed([kept.name])
  await expect(page.getByRole('alert').filter({ hasText: 'cut off' })).toHaveCount(0)
  expect(await app.downloadSha256(kept.name)).toBe(kept.sha256)
})
