import { join } from 'node:path'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { flipPackByte, OPFS_DIR } from './support/damage.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'

const PASSPHRASE = 'damaged disks do happen'
/** Inside the 4 MB victim's second and last ciphertext chunks: it is the first file stored, so it fills the start of the pack. */
const FIRST_FLIP = 2_000_000
const SECOND_FLIP = 3_300_000

/** Closes the browser (the node lets go of its pack files), flips a byte on disk, opens it again and unlocks. */
async function damageAndReopen (profile: Profile, offset: number): Promise<{ app: CairnApp, again: Profile }> {
  await profile.context.close()
  flipPackByte(join(profile.userDataDir, OPFS_DIR), offset)
  const again = await launchProfile({ userDataDir: profile.userDataDir })
  const app = new CairnApp(await again.context.newPage())
  await app.open()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
  return { app, again }
}

test('a damaged block with no copy anywhere: the download stops at once and the user is told which file, in words, on the row and in the logs', async ({ profile, app, files }) => {
  const victim = files.make('holiday-video.bin', 4_000_000)
  const other = files.make('notes.txt', 5_000)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([victim.path])
  await app.addFiles([other.path])

  const { app: reopened, again } = await damageAndReopen(profile, FIRST_FLIP)
  try {
    const page = reopened.page
    await (await reopened.downloadLink(victim.name)).click()
    await expect(page.getByRole('alert').filter({ hasText: `“${victim.name}” is damaged on this device` })).toBeVisible({ timeout: 20_000 })
    await expect(reopened.row(victim.name).getByText('Damaged on this device')).toBeVisible()
    await expect(reopened.row(other.name).getByText('Damaged on this device')).toHaveCount(0)
    // The other file is untouched.
    expect(await reopened.downloadSha256(other.name)).toBe(other.sha256)

    // Settings → Check stored data finds the same, and names the file.
    await reopened.goTo('Settings')
    await page.getByRole('button', { name: 'Check stored data' }).click()
    const result = page.locator('.check-result')
    await expect(result).toContainText(/Checked \d+ blocks \(.+\) in (under 0\.1 s|.+ s, .+\/s)/, { timeout: 60_000 })
    await expect(page.getByRole('progressbar', { name: 'Stored data checked' })).toBeVisible()
    await expect(page.getByText(/Checked (\d+) of \1 blocks \(.+\/s\); 1 damaged$/)).toBeVisible()
    await expect(result).toContainText('1 damaged block')
    await expect(result).toContainText(`“${victim.name}”: still damaged`)

    await reopened.goTo('Logs')
    await expect(page.getByText(/damaged block \S+ could not be repaired/).first()).toBeVisible()
    await expect(page.getByText(victim.name)).toHaveCount(0)
  } finally {
    await again.dispose()
  }
})

test('with a paired backup peer, a damaged block is repaired from it: the download completes intact and the user is told', async ({ profile, app, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  const victim = files.make('thesis-draft.bin', 4_000_000)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([victim.path])
  await app.goTo('Backup')
  await app.page.getByLabel('Backup peer address').fill(wsAddress(peer.ready.multiaddrs))
  await app.page.getByLabel('Pairing code').fill(peer.ready.pairingCode ?? '')
  await app.page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(app.page.getByText('All files replicated')).toBeVisible({ timeout: 120_000 })

  let { app: reopened, again } = await damageAndReopen(profile, FIRST_FLIP)
  try {
    await reopened.goTo('Backup')
    await expect(reopened.page.getByText('Online')).toBeVisible({ timeout: 60_000 })
    await reopened.goTo('Files')
    expect(await reopened.downloadSha256(victim.name), 'repaired and intact').toBe(victim.sha256)
    await expect(reopened.page.getByRole('status').filter({ hasText: `“${victim.name}” was damaged on this device and has been repaired` })).toBeVisible()
    await expect(reopened.row(victim.name).getByText('Repaired')).toBeVisible()
    await reopened.goTo('Logs')
    await expect(reopened.page.getByText(/repaired damaged block \S+ with a good copy/).first()).toBeVisible()
  } finally {
    await again.context.close()
  }

  // Damage again elsewhere; this time "Check stored data" finds and repairs it.
  ;({ app: reopened, again } = await damageAndReopen(again, SECOND_FLIP))
  try {
    await reopened.goTo('Backup')
    await expect(reopened.page.getByText('Online')).toBeVisible({ timeout: 60_000 })
    await reopened.goTo('Settings')
    await reopened.page.getByRole('button', { name: 'Check stored data' }).click()
    const result = reopened.page.locator('.check-result')
    await expect(result).toContainText('1 damaged block', { timeout: 60_000 })
    await expect(result).toContainText(`“${victim.name}”: repaired`)
    await reopened.page.getByRole('button', { name: 'Check stored data' }).click()
    await expect(result).toContainText('All good', { timeout: 60_000 })
    await reopened.goTo('Files')
    expect(await reopened.downloadSha256(victim.name)).toBe(victim.sha256)
  } finally {
    await again.dispose()
  }
})

test('a byte flipped in the backup peer\'s pack file: Verify now names the file, the device sends a good copy, the next verify is clean', async ({ app, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  const victim = files.make('family-photos.bin', 4_000_000)
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.addFiles([victim.path])
  await app.goTo('Backup')
  const page = app.page
  await page.getByLabel('Backup peer address').fill(wsAddress(peer.ready.multiaddrs))
  await page.getByLabel('Pairing code').fill(peer.ready.pairingCode ?? '')
  await page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(page.getByText('All files replicated')).toBeVisible({ timeout: 120_000 })

  flipPackByte(join(peer.dataDir, 'blocks'), FIRST_FLIP)
  await page.getByRole('button', { name: 'Verify now' }).click()
  const report = page.getByRole('alert').filter({ hasText: /1 bad/ })
  await expect(report).toBeVisible({ timeout: 60_000 })
  await expect(report).toContainText(`“${victim.name}”`)
  await expect(report).toContainText('holds a good copy again')

  await page.getByRole('button', { name: 'Verify now' }).click()
  await expect(page.getByText(/Checked \d+ blocks: all good/)).toBeVisible({ timeout: 60_000 })
  await expect(page.getByText('All files replicated')).toBeVisible()
})
