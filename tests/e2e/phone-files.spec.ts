import { wsAddress } from './support/backup-servers.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expectDownloadErrorShown } from './support/download-error-steps.ts'
import { expect, test } from './support/fixtures.ts'
import { filesWalk } from './support/files-steps.ts'
import { downloadSharedSha256, expectSharesOnBackupPeer, useRelay } from './support/share-across.ts'
import { createShareLink, pairBackupPeer } from './support/share-steps.ts'

/** The file browser at 390 × 844 with touch (Chromium), the bottom navigation around it, and a share link made there. */

test('on a phone: folders, breadcrumbs, search, a PNG thumbnail, a folder zip intact, shift-click delete, the bottom navigation; a failed download says why', async ({ phone, files }) => {
  const app = new CairnApp(await phone.context.newPage())
  await filesWalk(app, files, 'folders in my pocket today')
  const page = app.page
  // The bottom navigation leaves Files and comes back to the folder's files.
  const bottom = page.getByRole('navigation', { name: 'Pages' })
  await expect(bottom).toBeVisible()
  await bottom.getByRole('link', { name: 'Backup' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Backup' })).toBeVisible()
  await bottom.getByRole('button', { name: 'More' }).click()
  await bottom.getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await bottom.getByRole('link', { name: 'Files' }).click()
  await expect(bottom.getByRole('link', { name: 'Files' })).toHaveAttribute('aria-current', 'page')
  await app.openFolder('Photos')
  await expect(app.row('garden.png')).toHaveCount(1)
  await expectDownloadErrorShown(app)
})

test('a share link made on a phone downloads intact in a desktop browser, from the backup peer alone', async ({ phone, profile, files, backup: { relay, peer } }) => {
  test.setTimeout(300_000)
  const photo = files.make('pocket-photo.bin', 500_000)
  const app = new CairnApp(await phone.context.newPage())
  await app.open()
  await app.createVault('a link from my pocket')
  await useRelay(app, wsAddress(relay.ready.multiaddrs))
  await app.addFiles([photo.path])
  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await app.goTo('Files')
  const link = await createShareLink(app, photo.name)
  await expectSharesOnBackupPeer(app, 1)
  // The phone goes away: the desktop gets the file from the backup peer.
  await phone.context.close()
  expect(await downloadSharedSha256(await profile.context.newPage(), link, photo.name)).toBe(photo.sha256)
})
