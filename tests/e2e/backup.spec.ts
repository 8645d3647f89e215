import { launchProfile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { filesContaining, wsAddress } from './support/backup-servers.ts'
import { controlRequest } from '../../relay-server/peer/control-socket.ts'

const PASSPHRASE = 'my files outlive my browser'

test('files replicate to the backup peer and a fresh browser restores them with the recovery phrase alone', async ({ profile, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  expect(peer.ready.pairingCode).not.toBeNull()
  const big = files.make('big-50MB.bin', 50 * 1000 * 1000)
  const accented = files.make('Ünïcödé notes ✓.txt', 7_777)
  const empty = files.make('empty.dat', 0)

  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  const words = await app.createVault(PASSPHRASE)
  await app.addFiles([big.path, accented.path, empty.path])

  // Pair the backup peer: a wrong code is refused, the printed one works.
  await app.goTo('Backup')
  const page = app.page
  await page.getByLabel('Backup peer address').fill(wsAddress(peer.ready.multiaddrs))
  await page.getByLabel('Pairing code').fill('AAAA-BBBB-CCCC-DDDD')
  await page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(page.getByRole('alert')).toContainText(/pairing code/i)
  await page.getByLabel('Pairing code').fill(peer.ready.pairingCode ?? '')
  await page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(page.getByText('All files replicated')).toBeVisible({ timeout: 180_000 })
  await page.getByRole('button', { name: 'Verify now' }).click()
  await expect(page.getByText(/all good/i)).toBeVisible({ timeout: 60_000 })
  await app.goTo('Files')
  await expect(app.row(big.name).getByText('Backup peer')).toBeVisible({ timeout: 30_000 })

  // The peer holds ciphertext only: no marker of the content is in its data directory.
  expect(filesContaining(peer.dataDir, [files.marker])).toEqual([])

  // Every browser of that vault is closed.
  await profile.context.close()

  const fresh = await launchProfile()
  try {
    const restored = new CairnApp(await fresh.context.newPage())
    await restored.open()
    await restored.page.getByRole('button', { name: 'Restore a vault' }).click()
    await restored.page.getByLabel('Recovery phrase').fill(words.join(' '))
    await restored.page.getByLabel('Backup peer address').fill(wsAddress(peer.ready.multiaddrs))
    await restored.page.getByLabel('New passphrase', { exact: true }).fill('a new browser, the same vault')
    await restored.page.getByLabel('Confirm passphrase').fill('a new browser, the same vault')
    await restored.page.getByRole('button', { name: 'Restore vault' }).click()
    await restored.expectUnlocked()
    await restored.expectListed([big.name, accented.name, empty.name])
    for (const file of [big, accented, empty]) {
      expect(await restored.downloadSha256(file.name), `${file.name} restored intact`).toBe(file.sha256)
    }
    // The restored browser read the big file's blocks (48 of about 1 MiB) from the peer over the batched block exchange.
    const status = await controlRequest(peer.dataDir, 'status') as { backup?: { served?: { blocks: number } } }
    expect(status.backup?.served?.blocks ?? 0).toBeGreaterThanOrEqual(40)
  } finally {
    await fresh.dispose()
  }
})
