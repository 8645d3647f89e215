import { wsAddress } from './support/backup-servers.ts'
import { launchProfile } from './support/browser.ts'
import { type CairnApp, sha256File } from './support/cairn-app.ts'
import { pairByLink, storedBytes, useRelay } from './support/device-steps.ts'
import { expect, test } from './support/fixtures.ts'
import { pairBackupPeer } from './support/share-steps.ts'

// Issue 10, files on demand across devices: "Keep on this device" survives
// the backup peer being stopped; "Free up space" frees bytes and the file
// still opens while the peer runs. A is the `app` fixture's profile, B a
// second browser paired by link; both reach each other through a real relay.

const PASSPHRASE_A = 'the laptop keeps the vault'
const PASSPHRASE_B = 'the phone keeps what it is told'

/** Downloads `name` through the service worker, bounded: a file that never arrives fails here. */
async function downloadSha256 (app: CairnApp, name: string): Promise<string> {
  const download = app.page.waitForEvent('download', { timeout: 60_000 })
  await (await app.downloadLink(name)).click({ timeout: 10_000 })
  return sha256File(await (await download).path())
}

/** Files → "Free up space": it reports the one file freed (the backup peer holds it in full), no longer here. */
async function freeUpSpace (app: CairnApp): Promise<void> {
  await app.page.getByRole('button', { name: 'Free up space' }).click()
  const freed = app.page.getByRole('status').filter({ hasText: /^Freed / })
  await expect(freed).toContainText(/^Freed [\d.]+ (KB|MB) from 1 file\b/, { timeout: 60_000 })
  await freed.getByRole('button', { name: 'Dismiss' }).click()
  await expect(app.page.getByRole('row').getByText('On this device', { exact: true })).toHaveCount(0)
}

/** A row's "where it lives" badge, exactly (not "Kept on this device" or "Partly on this device"). */
function badge (app: CairnApp, name: string, label: string) {
  return app.row(name).getByText(label, { exact: true })
}

test('a kept file opens on B with the backup peer stopped and A closed; "Free up space" on A frees its bytes and the file still opens', async ({ app: a, files, backup: { relay, peer } }) => {
  test.setTimeout(420_000)
  const report = files.make('report.bin', 2_000_000)
  await a.open()
  await a.createVault(PASSPHRASE_A)
  await useRelay(a, wsAddress(relay.ready.multiaddrs))
  await a.goTo('Files')
  await a.addFiles([report.path])
  await pairBackupPeer(a, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await a.goTo('Files')
  await expect(badge(a, report.name, 'On the backup peer')).toBeVisible({ timeout: 120_000 })

  const bProfile = await launchProfile()
  try {
    const b = await pairByLink(a, bProfile, PASSPHRASE_B)
    // B lists the file and says where it lives: not here, on the backup peer.
    await expect(b.row(report.name)).toHaveCount(1, { timeout: 10_000 })
    await expect(badge(b, report.name, 'On the backup peer')).toBeVisible({ timeout: 60_000 })
    await expect(badge(b, report.name, 'On this device')).toHaveCount(0)
    // Opened on B: fetched on demand, the same bytes.
    expect(await downloadSha256(b, report.name)).toBe(report.sha256)
    // Reading it left a copy on B; "Free up space" drops it, so what "Keep" fetches below is seen to arrive.
    await expect(badge(b, report.name, 'On this device')).toBeVisible({ timeout: 30_000 })
    await freeUpSpace(b)

    // "Free up space" on A: its copy goes (the backup peer holds it in full), the stored bytes drop.
    const before = await storedBytes(a)
    await freeUpSpace(a)
    // The Dashboard shows its last figures until its refresh lands: read it again until it has.
    await expect.poll(async () => before - await storedBytes(a), { timeout: 20_000 }).toBeGreaterThan(1_900_000)
    // The file still opens on A while the peer runs (fetched from it again).
    expect(await downloadSha256(a, report.name)).toBe(report.sha256)

    // "Keep on this device" on B: once all of it is here, it needs neither the peer nor A.
    await (await b.rowMenu(report.name)).getByRole('menuitemcheckbox', { name: 'Keep on this device', exact: true }).click()
    await expect(b.row(report.name).getByText('Kept on this device', { exact: true })).toBeVisible({ timeout: 30_000 })
    await expect(badge(b, report.name, 'On this device')).toBeVisible({ timeout: 120_000 })
    await peer.stop()
    await a.page.context().close()
    expect(await downloadSha256(b, report.name)).toBe(report.sha256)
  } finally {
    await bProfile.dispose()
  }
})
