import { launchProfile } from './support/browser.ts'
import { expectNoSeriousViolations } from './support/axe.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'
import { wsAddress } from './support/backup-servers.ts'
import { createShareLink, openShareLink, pairBackupPeer } from './support/share-steps.ts'

// Issue 13: axe-core finds no serious or critical violation on any screen —
// each onboarding step, unlock, every page of the unlocked app with something
// on it, the file browser (a folder, a row's menu open, the grid, the viewer),
// and a share link's page opened in another browser.

const PASSPHRASE = 'every screen for every reader'

test('axe finds no serious or critical violation on onboarding, unlock, every page and the share page', async ({ app, files, backup: { peer } }) => {
  test.setTimeout(420_000)
  const page = app.page
  await app.open()
  await expect(page.getByRole('button', { name: 'Create vault' })).toBeVisible()
  await expectNoSeriousViolations(page, 'onboarding: create')
  await page.getByLabel('Passphrase', { exact: true }).fill('monkeydragon12')
  await expect(page.locator('.strength:not(.is-stale)').getByText('not accepted yet')).toBeVisible()
  await expectNoSeriousViolations(page, 'onboarding: create, a weak passphrase')

  await page.getByRole('button', { name: 'Restore a vault' }).click()
  await expect(page.getByLabel('Recovery phrase')).toBeVisible()
  await expectNoSeriousViolations(page, 'onboarding: restore')
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('button', { name: 'Join my vault from another device' }).click()
  await expect(page.getByRole('button', { name: 'Join' })).toBeVisible()
  await expectNoSeriousViolations(page, 'onboarding: join')
  await page.getByRole('button', { name: 'Back' }).click()

  // Create, the words, typing three back, the storage step.
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await page.getByLabel('Confirm passphrase').fill(PASSPHRASE)
  await page.getByRole('button', { name: 'Create vault' }).click()
  const phrase = page.getByTestId('recovery-phrase')
  await expect(phrase).toBeVisible()
  await expectNoSeriousViolations(page, 'onboarding: recovery phrase')
  const words = (await phrase.textContent() ?? '').trim().split(/\s+/)
  await page.getByRole('button', { name: 'Continue' }).click()
  const asked = page.getByLabel(/^Word \d+$/)
  await expect(asked.first()).toBeVisible()
  await expectNoSeriousViolations(page, 'onboarding: confirm words')
  for (const field of await asked.all()) {
    const id = await field.getAttribute('id')
    const label = await page.locator(`label[for="${id ?? ''}"]`).textContent() ?? ''
    await field.fill(words[Number(/Word (\d+)/.exec(label)?.[1]) - 1] ?? '')
  }
  await page.getByRole('button', { name: 'Continue' }).click()
  const addFiles = page.getByRole('button', { name: 'Add files' })
  const next = page.getByRole('button', { name: 'Continue' })
  await expect(addFiles.or(next).first()).toBeVisible()
  if (await next.isVisible()) {
    await expectNoSeriousViolations(page, 'onboarding: storage')
    await next.click()
  }
  await expect(addFiles).toBeVisible()
  await expectNoSeriousViolations(page, 'files, empty')

  await app.addFiles([files.make('report.pdf', 120_000).path, files.make('notes.txt', 3_000).path])
  await expectNoSeriousViolations(page, 'files, with files')

  // The file browser: a folder among the files, a row's "⋯" menu open, the grid view, the viewer.
  await page.getByRole('button', { name: 'New folder' }).click()
  const newFolder = page.getByRole('dialog', { name: 'New folder' })
  await expect(newFolder).toBeVisible()
  // The page behind a dialog is out of reach: only the dialog's controls are found.
  await expect(page.getByRole('button', { name: 'Add files' })).toHaveCount(0)
  await expectNoSeriousViolations(page, 'files, the New folder dialog')
  await page.keyboard.press('Escape')
  await expect(newFolder).toHaveCount(0)
  await app.newFolder('Projects')
  await expect(app.row('Projects')).toHaveCount(1)
  await expectNoSeriousViolations(page, 'files, with a folder')
  const menu = await app.rowMenu('notes.txt')
  await expect(menu.getByRole('menuitem', { name: 'Download', exact: true })).toBeFocused()
  await expectNoSeriousViolations(page, 'files, a row menu open')
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  // Escape gives focus back to the menu's button, and closes the menu even once focus has left it.
  const more = app.row('notes.txt').getByRole('button', { name: 'More for notes.txt', exact: true })
  await expect(more).toBeFocused()
  await app.rowMenu('notes.txt')
  await page.keyboard.press('Shift+Tab')
  await expect(menu.getByRole('menuitem', { name: 'Download', exact: true })).not.toBeFocused()
  await expect(menu).toHaveCount(1)
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)
  await app.showAs('Grid')
  await expect(page.getByRole('list', { name: 'Files' }).getByRole('listitem')).toHaveCount(3)
  await expectNoSeriousViolations(page, 'files, grid view')
  await app.showAs('List')
  const viewer = await app.openViewer('notes.txt')
  await expectNoSeriousViolations(page, 'viewer')
  await page.keyboard.press('Escape')
  await expect(viewer).toHaveCount(0)

  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')
  await expectNoSeriousViolations(page, 'backup, a peer paired')
  await app.goTo('Files')
  const link = await createShareLink(app, 'notes.txt')

  for (const [name, heading] of [['Shares', 'My shares'], ['Trash', 'Trash'], ['Devices', 'Devices'], ['Peers', 'Peers'], ['Dashboard', 'Dashboard'], ['Settings', 'Settings'], ['Logs', 'Logs']] as const) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click()
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
    await expectNoSeriousViolations(page, name)
  }

  await page.getByRole('button', { name: 'Lock' }).click()
  await app.expectLocked()
  await expectNoSeriousViolations(page, 'unlock')

  // The share page, in a browser with no vault.
  const friend = await launchProfile()
  try {
    const theirs = new CairnApp(await friend.context.newPage())
    await openShareLink(theirs.page, link)
    await expect(theirs.page.getByRole('link', { name: 'Download notes.txt' })).toBeVisible({ timeout: 90_000 })
    await expectNoSeriousViolations(theirs.page, 'share page')
  } finally {
    await friend.dispose()
  }
})
