import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'

const PASSPHRASE = 'my files outlive my browser'
const MB = 1000 * 1000

test('pairing again says "Reconnected" and counts bytes once; a restored vault comes back paired and keeps backing up', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  const first = files.make('first-10MB.bin', 10 * MB)
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  const words = await app.createVault(PASSPHRASE)
  await app.addFiles([first.path])

  const page = app.page
  const address = wsAddress(peer.ready.multiaddrs)
  const pair = async (code: string): Promise<void> => {
    await page.getByLabel('Backup peer address').fill(address)
    await page.getByLabel('Pairing code').fill(code)
    await page.getByRole('button', { name: 'Add backup peer' }).click()
  }
  await app.goTo('Backup')
  await pair(peer.ready.pairingCode ?? '')
  await expect(page.getByText(/Paired with/)).toBeVisible({ timeout: 60_000 })
  await expect(page.getByText('All files replicated')).toBeVisible({ timeout: 120_000 })

  // The peer already keeps this vault: a wrong code reconnects, in those words, and nothing is counted twice.
  await pair('AAAA-BBBB-CCCC-DDDD')
  await expect(page.getByRole('status').filter({ hasText: 'Reconnected: this peer already keeps your vault' })).toBeVisible({ timeout: 60_000 })
  await expect(page.locator('.backup-peer')).toHaveCount(1)
  await expect(page.getByText('All files replicated')).toBeVisible({ timeout: 60_000 })
  const bytes = page.locator('.backup-peer dt:text-is("Bytes replicated") + dd')
  await expect(bytes).toHaveText(/^10\.\d MB$/)

  await profile.context.close()

  // A fresh browser restores the vault: it comes back paired with that peer, with no code.
  const fresh = await launchProfile()
  try {
    const restored = new CairnApp(await fresh.context.newPage())
    await restored.open()
    await restored.page.getByRole('button', { name: 'Restore a vault' }).click()
    await restored.page.getByLabel('Recovery phrase').fill(words.join(' '))
    await restored.page.getByLabel('Backup peer address').fill(address)
    await restored.page.getByLabel('New passphrase', { exact: true }).fill('a new browser, the same vault')
    await restored.page.getByLabel('Confirm passphrase').fill('a new browser, the same vault')
    await restored.page.getByRole('button', { name: 'Restore vault' }).click()
    await restored.expectUnlocked()
    await restored.expectListed([first.name])

    await restored.goTo('Backup')
    const card = restored.page.locator('.backup-peer')
    await expect(card).toHaveCount(1)
    await expect(card).toContainText(peer.ready.peerId.slice(-6))
    await expect(restored.page.getByText('No backup peer yet')).toHaveCount(0)

    // A file added after the restore is backed up to that peer.
    const later = files.make('after-restore.bin', 2 * MB)
    await restored.goTo('Files')
    await restored.addFiles([later.path])
    await expect(restored.row(later.name).getByText('Backup peer')).toBeVisible({ timeout: 120_000 })
  } finally {
    await fresh.dispose()
  }
})
