import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseShareLink } from '../../core/share/share-link.ts'
import { launchProfile } from './support/browser.ts'
import { CairnApp, sha256File } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { openShareLink, pairBackupPeer } from './support/share-steps.ts'

test('two files and a folder picked with checkboxes are shared as one folder-style link: another browser lists exactly those files, each intact, and not the one left out', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(240_000)
  mkdirSync(join(files.dir, 'trip', 'sub'), { recursive: true })
  const a = files.make(join('trip', 'a.txt'), 40_000)
  const b = files.make(join('trip', 'b.bin'), 1_300_000)
  const c = files.make(join('trip', 'sub', 'c.txt'), 9_000)
  const d = files.make(join('trip', 'sub', 'd.bin'), 200_000)
  files.make(join('trip', 'left-out.txt'), 3_000)

  await profile.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await app.createVault('three picks for my brother')
  const chooser = app.page.waitForEvent('filechooser')
  await app.page.getByRole('button', { name: 'Add folder' }).click()
  await (await chooser).setFiles(join(files.dir, 'trip'))
  await expect(app.uploads().getByText(/^Stored/)).toHaveCount(5, { timeout: 60_000 })
  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')

  // In "trip": a.txt, b.bin and the folder "sub" ticked; left-out.txt not.
  await app.goTo('Files')
  await app.openFolder('trip')
  await app.row('a.txt').getByRole('checkbox').click()
  await app.row('b.bin').getByRole('checkbox').click()
  await app.row('sub').getByRole('checkbox').click()
  const bar = app.page.getByRole('region', { name: 'Selection' })
  await expect(bar).toContainText('3 selected')
  await bar.getByRole('button', { name: 'Share' }).click()

  // The folder share's dialog, named after the folder shown.
  const dialog = app.page.getByRole('dialog', { name: 'Share trip' })
  const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
  await dialog.getByRole('button', { name: 'Copy link' }).click()
  await expect(app.page.getByTestId('toast').filter({ hasText: 'Share link copied' })).toBeVisible()
  expect(await app.page.evaluate(async () => await navigator.clipboard.readText())).toBe(link)
  await dialog.getByRole('button', { name: 'Done' }).click()
  expect(parseShareLink(link).name).toBe('trip')

  // Listed as a folder share of four files; the backup peer holds it before the recipient opens it.
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  const row = app.page.getByRole('row').filter({ hasText: 'Folder · 4 files' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('On your backup peer', { timeout: 90_000 })

  const other = await launchProfile()
  try {
    const page = await other.context.newPage()
    await openShareLink(page, link)
    await expect(page.getByRole('heading', { name: 'trip' })).toBeVisible()
    const listed = page.getByRole('region', { name: 'Files in this folder' })
    await expect(listed.getByRole('link', { name: /^Download / })).toHaveCount(4, { timeout: 60_000 })
    await expect(page.getByText('left-out.txt')).toHaveCount(0)
    for (const [path, file] of [['a.txt', a], ['b.bin', b], ['sub/c.txt', c], ['sub/d.bin', d]] as const) {
      const download = page.waitForEvent('download')
      await listed.getByRole('link', { name: `Download ${path}` }).click()
      expect(sha256File(await (await download).path()), path).toBe(file.sha256)
    }
  } finally {
    await other.dispose()
  }
})
