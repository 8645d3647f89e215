import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseShareLink } from '../../core/share/share-link.ts'
import { launchProfile } from './support/browser.ts'
import { CairnApp, sha256File } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { openShareLink, pairBackupPeer } from './support/share-steps.ts'

const PASSPHRASE = 'a folder of holiday files'
const RECIPIENT_PASSPHRASE = 'my own vault came later'

test('a shared folder is a snapshot a browser with no vault gets from the backup peer: its files, not the one outside, and saves into a vault made later', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(240_000)
  mkdirSync(join(files.dir, 'trip', 'sub'), { recursive: true })
  const a = files.make(join('trip', 'a.txt'), 300_000)
  const b = files.make(join('trip', 'sub', 'b.bin'), 1_500_000)
  const outside = files.make('outside.txt', 2000)

  // A: one file at the top, then the folder "trip" with a subfolder.
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([outside.path])
  const chooser = app.page.waitForEvent('filechooser')
  await app.page.getByRole('button', { name: 'Add folder' }).click()
  await (await chooser).setFiles(join(files.dir, 'trip'))
  // The panel shows the latest batch: the folder's two files.
  await expect(app.uploads().getByText(/^Stored/)).toHaveCount(2, { timeout: 60_000 })
  await app.expectListed(['trip/a.txt', 'trip/sub/b.bin', 'outside.txt'])

  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')

  // Shares → Share a folder: every folder is offered; the dialog shows the link.
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  const section = app.page.getByRole('region', { name: 'Share a folder' })
  const select = section.getByLabel('Folder', { exact: true })
  await expect(select.getByRole('option')).toHaveText(['trip', 'trip/sub'])
  await select.selectOption('trip')
  await section.getByRole('button', { name: 'Share folder' }).click()
  const dialog = app.page.getByRole('dialog', { name: 'Share trip' })
  const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
  await expect(dialog.getByRole('button', { name: 'Copy link' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Show QR code' }).click()
  await expect(dialog.getByRole('img', { name: 'QR code of the share link' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Done' }).click()
  await expect(dialog).toHaveCount(0)
  expect(link.startsWith(CairnApp.appUrl().replace(/\/$/, '') + '/#/s/')).toBe(true)
  expect(parseShareLink(link).name).toBe('trip')

  // The row says what it is; the backup peer holds the whole snapshot before A goes away.
  const row = app.page.getByRole('row').filter({ hasText: 'Folder · 2 files' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('On your backup peer', { timeout: 90_000 })
  await profile.context.close()

  // C: a fresh browser, no vault: the folder's two files, each intact, and nothing else.
  const c = await launchProfile()
  try {
    const page = await c.context.newPage()
    await openShareLink(page, link)
    await expect(page.getByRole('heading', { name: 'trip' })).toBeVisible()
    const listed = page.getByRole('region', { name: 'Files in this folder' })
    await expect(listed.getByRole('link', { name: /^Download / })).toHaveCount(2, { timeout: 60_000 })
    await expect(page.getByText('outside.txt')).toHaveCount(0)
    for (const [path, file] of [['a.txt', a], ['sub/b.bin', b]] as const) {
      const download = page.waitForEvent('download')
      await listed.getByRole('link', { name: `Download ${path}` }).click()
      expect(sha256File(await (await download).path()), path).toBe(file.sha256)
    }

    // C makes a vault of her own in another tab and opens the link again: the share page
    // saves the whole folder into it, the node reading each file from the share page's stream.
    const home = new CairnApp(await c.context.newPage())
    await home.open()
    await home.createVault(RECIPIENT_PASSPHRASE)
    await openShareLink(page, link)
    await expect(page.getByRole('heading', { name: 'trip' })).toBeVisible()
    await page.getByRole('button', { name: 'Save to my vault' }).click({ timeout: 60_000 })
    await expect(page.getByText('Saved to your vault.')).toBeVisible({ timeout: 120_000 })
    await home.goTo('Files')
    await home.expectListed(['Shared with me/trip/a.txt', 'Shared with me/trip/sub/b.bin'])
    await expect(home.row('outside.txt')).toHaveCount(0)
    expect(await home.downloadSha256('Shared with me/trip/sub/b.bin')).toBe(b.sha256)
    expect(await home.downloadSha256('Shared with me/trip/a.txt')).toBe(a.sha256)
  } finally {
    await c.dispose()
  }
})
