import { CairnApp } from './support/cairn-app.ts'
import { launchProfile } from './support/browser.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { createShareLink, openShareLink, pairBackupPeer } from './support/share-steps.ts'

const SHARER_PASSPHRASE = 'the sharer keeps this one'
const RECIPIENT_PASSPHRASE = 'the recipient has her own vault'

// A vault-less browser seeing no "Save to my vault" is checked by share-links.spec.ts.
test('a recipient with a locked vault saves a shared file into it, after a wrong passphrase is refused', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(420_000)
  const report = files.make('quarterly-report-3MB.bin', 3 * 1000 * 1000)

  // A: shares a file; the backup peer holds the share before A's browser closes.
  const a = new CairnApp(await profile.context.newPage())
  await a.open()
  await a.createVault(SHARER_PASSPHRASE)
  await a.addFiles([report.path])
  await pairBackupPeer(a, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await a.goTo('Files')
  const link = await createShareLink(a, report.name)
  await a.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  await expect(a.page.getByText('On your backup peer')).toHaveCount(1, { timeout: 120_000 })
  await profile.context.close()

  // B: a vault of her own, locked.
  const b = await launchProfile()
  try {
    const home = new CairnApp(await b.context.newPage())
    await home.open()
    await home.createVault(RECIPIENT_PASSPHRASE)
    await home.page.getByRole('button', { name: 'Lock' }).click()
    await home.expectLocked()

    const page = await b.context.newPage()
    await openShareLink(page, link)
    await expect(page.getByRole('heading', { name: report.name })).toBeVisible()
    await page.getByRole('button', { name: 'Save to my vault' }).click({ timeout: 60_000 })

    // A wrong passphrase is refused in words, and nothing is saved.
    const passphrase = page.getByLabel('Passphrase of your vault')
    await passphrase.fill(SHARER_PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock and save' }).click()
    await expect(page.getByRole('alert')).toContainText("That passphrase doesn't open this vault.")
    await expect(page.getByText('Saving to your vault')).toHaveCount(0)
    await expect(page.getByText('Saved to your vault.')).toHaveCount(0)
    await home.expectLocked()

    // The right one unlocks and saves.
    await passphrase.fill(RECIPIENT_PASSPHRASE)
    await page.getByRole('button', { name: 'Unlock and save' }).click()
    await expect(page.getByText('Saved to your vault.')).toBeVisible({ timeout: 120_000 })
    await expect(page.getByRole('alert')).toHaveCount(0)
    await page.getByRole('link', { name: 'Open Cairn' }).click()

    const recipient = new CairnApp(page)
    await recipient.expectUnlocked()
    await recipient.expectListed([`Shared with me/${report.name}`])
    // Received files go under "Shared with me/", by their plain name.
    expect(await recipient.downloadSha256(`Shared with me/${report.name}`)).toBe(report.sha256)

    // The share page as B's only tab: it starts the node itself, and "Open Cairn"
    // switches this tab to the vault app without a reload, so it stays unlocked.
    await home.page.close()
    await page.close()
    const alone = await b.context.newPage()
    await openShareLink(alone, link)
    await alone.getByRole('button', { name: 'Save to my vault' }).click({ timeout: 60_000 })
    await alone.getByLabel('Passphrase of your vault').fill(RECIPIENT_PASSPHRASE)
    await alone.getByRole('button', { name: 'Unlock and save' }).click()
    await expect(alone.getByText('Saved to your vault.')).toBeVisible({ timeout: 120_000 })
    await alone.getByRole('link', { name: 'Open Cairn' }).click()
    const single = new CairnApp(alone)
    await single.expectUnlocked()
    // Saved again: beside the first copy, never over it.
    await single.expectListed([`Shared with me/${report.name}`, `Shared with me/${report.name.replace(/\.bin$/, ' (2).bin')}`])
    expect(await single.downloadSha256(`Shared with me/${report.name.replace(/\.bin$/, ' (2).bin')}`)).toBe(report.sha256)
  } finally {
    await b.dispose()
  }
})
