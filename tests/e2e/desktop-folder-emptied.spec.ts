import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'
import { startDesktopApp, type DesktopApp } from './support/desktop-app.ts'

/**
 * A synced folder that is suddenly empty (a drive or share disconnected,
 * its mount point left empty) in the desktop app: the card waits and says
 * why, nothing is deleted from the vault, and only the user's explicit
 * "it really is empty" sends the files to the vault's Trash.
 */

test.setTimeout(180_000)

let desktop: DesktopApp | undefined
const temps: string[] = []

test.afterEach(async ({}, testInfo) => { // eslint-disable-line no-empty-pattern
  if (desktop !== undefined) await testInfo.attach('cairn-desktop.log', { body: desktop.process.log(), contentType: 'text/plain' })
  await desktop?.dispose()
  desktop = undefined
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const SETTLED = Date.UTC(2024, 2, 1, 12, 0, 0)
const FILES = ['photos/one.jpg', 'photos/two.jpg', 'notes.txt']

function fill (root: string): void {
  for (const path of FILES) {
    const abs = join(root, ...path.split('/'))
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, `content of ${path}`)
    utimesSync(abs, new Date(SETTLED), new Date(SETTLED))
  }
}

test('a folder emptied (a drive unplugged) waits with words that say why; nothing leaves the vault until the user confirms', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cairn-sync-emptied-'))
  temps.push(folder)
  fill(folder)
  desktop = await startDesktopApp()
  const { page } = await desktop.windowPage()
  const app = new CairnApp(page)
  await app.createVault('a drive comes and goes, the vault stays')
  await page.getByRole('navigation').getByRole('link', { name: 'Sync' }).click()
  await page.getByLabel('Folder on this computer').fill(folder)
  await page.getByLabel('Vault folder', { exact: true }).fill('Drive')
  await page.getByRole('button', { name: 'Add folder' }).click()
  const card = page.getByTestId('sync-folder')
  await expect(card.getByTestId('sync-state')).toHaveText('In step', { timeout: 60_000 })
  await expect(card.getByTestId('sync-files')).toHaveText('3')

  // Unplugged: the mount point stays, holding nothing.
  for (const name of readdirSync(folder)) rmSync(join(folder, name), { recursive: true })
  await card.getByRole('button', { name: 'Sync now' }).click()
  await expect(card.getByTestId('sync-state')).toHaveText('Empty — waiting', { timeout: 30_000 })
  const words = card.getByTestId('sync-emptied')
  await expect(words).toContainText('disconnected')
  await expect(words).toContainText('Nothing was deleted')
  await expect(card.getByTestId('sync-files')).toHaveText('3')
  await app.goTo('Files')
  await app.expectListed(['Drive/notes.txt', 'Drive/photos/one.jpg', 'Drive/photos/two.jpg'])

  // Plugged back in: Resume, and it is in step again.
  fill(folder)
  await page.getByRole('navigation').getByRole('link', { name: 'Sync' }).click()
  await card.getByRole('button', { name: 'Resume' }).click()
  await expect(card.getByTestId('sync-state')).toHaveText('In step', { timeout: 30_000 })

  // Emptied for real: the user says so, and the files go to the vault's Trash.
  for (const name of readdirSync(folder)) rmSync(join(folder, name), { recursive: true })
  await card.getByRole('button', { name: 'Sync now' }).click()
  await expect(card.getByTestId('sync-state')).toHaveText('Empty — waiting', { timeout: 30_000 })
  await card.getByRole('button', { name: /It really is empty/ }).click()
  await expect(card.getByTestId('sync-state')).toHaveText('In step', { timeout: 30_000 })
  await expect(card.getByTestId('sync-last')).toContainText('3 deleted')
  await expect(card.getByTestId('sync-files')).toHaveText('0')
})
