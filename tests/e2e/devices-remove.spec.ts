import { wsAddress } from './support/backup-servers.ts'
import { launchProfile } from './support/browser.ts'
import { type CairnApp, sha256File } from './support/cairn-app.ts'
import { pairByLink, useRelay } from './support/device-steps.ts'
import { expect, test } from './support/fixtures.ts'
import { pairBackupPeer } from './support/share-steps.ts'
import { messageForCode } from '../../web/error-messages.ts'

// Issue 10, removing a device: A removes B with "Remove and rotate keys";
// B gets no new change, the backup peer refuses B, and A and the peer still
// agree. A is the `app` fixture's profile, B a second browser paired by link
// (so both are in the device book with their box keys), through a real relay.

const PASSPHRASE_A = 'the laptop that stays'
const PASSPHRASE_B = 'the phone that was lost'

/** Downloads `name` through the service worker, bounded: a file that never arrives fails here. */
async function downloadSha256 (app: CairnApp, name: string): Promise<string> {
  const download = app.page.waitForEvent('download', { timeout: 60_000 })
  await (await app.downloadLink(name)).click({ timeout: 10_000 })
  return sha256File(await (await download).path())
}

function backedUp (app: CairnApp, name: string) {
  return app.row(name).getByText('On the backup peer', { exact: true })
}

test('remove B with rotation: B leaves A\'s list, gets no new file, the backup peer refuses it, and A and the peer still agree', async ({ app: a, files, backup: { relay, peer } }) => {
  test.setTimeout(420_000)
  const before = files.make('before.bin', 300_000)
  await a.open()
  await a.createVault(PASSPHRASE_A)
  await useRelay(a, wsAddress(relay.ready.multiaddrs))
  await a.goTo('Files')
  await a.addFiles([before.path])
  await pairBackupPeer(a, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await a.goTo('Files')
  await expect(backedUp(a, before.name)).toBeVisible({ timeout: 120_000 })

  const bProfile = await launchProfile()
  try {
    const b = await pairByLink(a, bProfile, PASSPHRASE_B)
    await expect(b.row(before.name)).toHaveCount(1, { timeout: 10_000 })
    // B syncs while it is a member: a file added on A shows on B.
    const shared = files.make('while-a-member.bin', 100_000)
    await a.addFiles([shared.path])
    await expect(b.row(shared.name)).toHaveCount(1, { timeout: 10_000 })

    // A: Devices → Remove device (B) → the dialog says what cannot be taken back → Remove and rotate keys.
    await a.goTo('Devices')
    const devices = a.page.getByRole('list', { name: 'Devices' }).getByRole('listitem')
    await expect(devices).toHaveCount(2)
    const other = devices.filter({ hasNotText: 'This device' })
    const bName = await other.getAttribute('aria-label') ?? ''
    expect(bName).not.toBe('')
    await other.getByRole('button', { name: `Remove ${bName}` }).click()
    const dialog = a.page.getByRole('dialog', { name: `Remove ${bName}?` })
    await expect(dialog).toContainText('Files it already had cannot be taken back.')
    await dialog.getByRole('button', { name: 'Remove and rotate keys' }).click()
    await expect(dialog).toHaveCount(0, { timeout: 120_000 })
    await expect(devices).toHaveCount(1)
    // (Both browsers may carry the same name: the one left is A itself.)
    await expect(other).toHaveCount(0)

    // A adds a file after the removal, and it reaches the backup peer.
    await a.goTo('Files')
    const after = files.make('after-removal.bin', 200_000)
    await a.addFiles([after.path])
    await expect(backedUp(a, after.name)).toBeVisible({ timeout: 120_000 })

    // The backup peer refuses B: B's Backup page says so, in words (B asks it every few seconds).
    await b.goTo('Backup')
    await expect(b.page.getByTestId('last-error')).toHaveText(`Last error: ${messageForCode('DEVICE_REVOKED')}`, { timeout: 60_000 })
    // By then B has had every chance to hear of A's new file: it never lists it.
    await b.goTo('Files')
    await expect(b.row(before.name)).toHaveCount(1)
    await expect(b.row(after.name)).toHaveCount(0)
    // Nor after B opens again and asks the peer afresh (refused again).
    await b.page.reload()
    await b.unlock(PASSPHRASE_B)
    await b.expectUnlocked()
    await b.goTo('Backup')
    await expect(b.page.getByTestId('last-error')).toHaveText(`Last error: ${messageForCode('DEVICE_REVOKED')}`, { timeout: 60_000 })
    await b.goTo('Files')
    await expect(b.row(before.name)).toHaveCount(1)
    await expect(b.row(after.name)).toHaveCount(0)

    // A and the peer still agree: every file of A's is listed, backed up, and opens.
    for (const file of [before, shared, after]) await expect(backedUp(a, file.name)).toBeVisible({ timeout: 60_000 })
    await a.goTo('Backup')
    await expect(a.page.getByText('All files replicated')).toBeVisible({ timeout: 60_000 })
    await a.goTo('Files')
    expect(await downloadSha256(a, after.name)).toBe(after.sha256)
  } finally {
    await bProfile.dispose()
  }
})
