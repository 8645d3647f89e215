import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { removeDir, startPeer, wsAddress } from './support/backup-servers.ts'
import type { Page } from '@playwright/test'

const PASSPHRASE = 'my files outlive my browser'
const MB = 1000 * 1000

async function pair (page: Page, address: string, code: string): Promise<void> {
  await page.getByLabel('Backup peer address').fill(address)
  await page.getByLabel('Pairing code').fill(code)
  await page.getByRole('button', { name: 'Add backup peer' }).click()
}

function bytesOf (page: Page, peerId: string) {
  return page.locator('.backup-peer', { hasText: peerId.slice(-6) }).locator('dt:text-is("Bytes replicated") + dd')
}

test('pairing again says "Reconnected" and counts bytes once; a restored vault comes back paired with all its peers and keeps backing up', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  const second = await startPeer()
  try {
    const first = files.make('first-10MB.bin', 10 * MB)
    const app = new CairnApp(await profile.context.newPage())
    await app.open()
    const words = await app.createVault(PASSPHRASE)
    await app.addFiles([first.path])

    const page = app.page
    const address = wsAddress(peer.ready.multiaddrs)
    await app.goTo('Backup')
    await pair(page, address, peer.ready.pairingCode ?? '')
    await expect(page.getByText(/Paired with/)).toBeVisible({ timeout: 60_000 })
    await expect(page.getByText('All files replicated')).toBeVisible({ timeout: 120_000 })

    // The peer already keeps this vault: a wrong code reconnects, in those words, and nothing is counted twice.
    await pair(page, address, 'AAAA-BBBB-CCCC-DDDD')
    await expect(page.getByRole('status').filter({ hasText: 'Reconnected: this peer already keeps your vault' })).toBeVisible({ timeout: 60_000 })
    await expect(page.locator('.backup-peer')).toHaveCount(1)
    await expect(page.getByText('All files replicated')).toBeVisible({ timeout: 60_000 })
    await expect(bytesOf(page, peer.ready.peerId)).toHaveText(/^10\.\d MB$/)

    // A second peer, paired in this browser: the restore below, from the first peer, finds it too.
    await pair(page, wsAddress(second.ready.multiaddrs), second.ready.pairingCode ?? '')
    await expect(page.getByText('All files replicated')).toHaveCount(2, { timeout: 120_000 })
    await profile.context.close()

    // A fresh browser restores the vault: it comes back paired with both peers, with no code.
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
      const cards = restored.page.locator('.backup-peer')
      await expect(cards).toHaveCount(2)
      for (const id of [peer.ready.peerId, second.ready.peerId]) await expect(cards.filter({ hasText: id.slice(-6) })).toHaveCount(1)
      await expect(restored.page.getByText('No backup peer yet')).toHaveCount(0)

      // A file added after the restore is backed up, and each byte is counted once (10 MB before, 2 MB after).
      const later = files.make('after-restore.bin', 2 * MB)
      await restored.goTo('Files')
      await restored.addFiles([later.path])
      await expect(restored.row(later.name).getByText('Backup peer')).toBeVisible({ timeout: 120_000 })
      await restored.goTo('Backup')
      await expect(restored.page.getByText('All files replicated')).toHaveCount(2, { timeout: 120_000 })
      for (const id of [peer.ready.peerId, second.ready.peerId]) await expect(bytesOf(restored.page, id)).toHaveText(/^12\.\d MB$/, { timeout: 30_000 })
    } finally {
      await fresh.dispose()
    }
  } finally {
    await second.stop()
    removeDir(second.dataDir)
  }
})
