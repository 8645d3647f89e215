import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { flipPackByte, OPFS_DIR } from './support/damage.ts'
import { expect, test } from './support/fixtures.ts'

const PASSPHRASE = 'damaged disks do happen'
/** Inside the first file's ciphertext: it is the first stored, so it fills the start of the pack. */
const FLIP = 2_000_000

test('damage in a file that now lives only as an earlier version is named in words, and the live file is not marked damaged', async ({ profile, app, files }) => {
  const draft = files.make('draft.bin', 4_000_000)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([draft.path])
  mkdirSync(join(files.dir, 'newer'))
  // The same name again: Replace keeps the first content as an earlier version.
  const newer = files.make(join('newer', 'draft.bin'), 5_000)
  await app.addFiles([newer.path], 'Replace')

  await profile.context.close()
  flipPackByte(join(profile.userDataDir, OPFS_DIR), FLIP)
  const again = await launchProfile({ userDataDir: profile.userDataDir })
  try {
    const reopened = new CairnApp(await again.context.newPage())
    const page = reopened.page
    await reopened.open()
    await reopened.unlock(PASSPHRASE)
    await reopened.expectUnlocked()

    await reopened.goTo('Settings')
    await page.getByRole('button', { name: 'Check stored data' }).click()
    const result = page.locator('.check-result')
    await expect(result).toContainText('1 damaged block', { timeout: 60_000 })
    await expect(result).toContainText('“draft.bin (an earlier version)”: still damaged')
    await page.screenshot({ path: test.info().outputPath('check-result.png'), fullPage: true })

    await reopened.goTo('Files')
    await expect(page.getByRole('alert').filter({ hasText: 'An earlier version of “draft.bin” is damaged on this device' })).toBeVisible()
    // What Files shows is the newer content, which is sound.
    await expect(reopened.row('draft.bin').getByText('Damaged on this device')).toHaveCount(0)
    expect(await reopened.downloadSha256('draft.bin')).toBe(newer.sha256)
  } finally {
    await again.dispose()
  }
})
