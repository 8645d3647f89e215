import { removeDir, startPeer, wsAddress } from './support/backup-servers.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { pairBackupPeer } from './support/share-steps.ts'

const PASSPHRASE = 'nothing is lost here, ever'

test('with no backup peer the delete dialogs promise no peer copy; with an append-only peer they say it keeps the copy for good', async ({ profile, files }) => {
  const doc = files.make('plan.txt', 2000)
  const app = new CairnApp(await profile.context.newPage())
  const page = app.page
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([doc.path])

  // No backup peer: nothing is said about one.
  await (await app.rowMenu('plan.txt')).getByRole('menuitem', { name: 'Delete' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete plan.txt?' })
  await expect(confirm).toContainText('goes to the Trash')
  await expect(confirm).not.toContainText('backup peer')
  await confirm.getByRole('button', { name: 'Cancel' }).click()

  const peer = await startPeer({ args: ['--append-only'] })
  try {
    await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
    await app.goTo('Files')
    await (await app.rowMenu('plan.txt')).getByRole('menuitem', { name: 'Delete' }).click()
    await expect(confirm).toContainText('Your backup peer keeps its copy for good: it is append-only and never deletes.')
    await page.screenshot({ path: test.info().outputPath('delete-append-only.png') })
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await expect(app.row('plan.txt')).toHaveCount(0)

    await app.goTo('Trash')
    await expect(page.getByText('Your backup peer keeps its copy for good')).toBeVisible()
    await page.getByRole('button', { name: 'Empty trash' }).click()
    const empty = page.getByRole('dialog', { name: 'Empty the Trash?' })
    await expect(empty).toContainText('Your backup peer keeps its copy for good: it is append-only and never deletes.')
    await expect(empty).not.toContainText('retention window')
    await empty.getByRole('button', { name: 'Cancel' }).click()

    // Settings → Earlier versions says the same of a pruned version.
    await app.goTo('Settings')
    await expect(page.getByText('Older versions are removed from this device. Your backup peer keeps its copy for good')).toBeVisible()
  } finally {
    await peer.stop()
    removeDir(peer.dataDir)
  }
})
