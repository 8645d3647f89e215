import { expect, type Page } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'

/** Backup → "Add backup peer", then waits until every file is on the peer. */
export async function pairBackupPeer (app: CairnApp, address: string, pairingCode: string): Promise<void> {
  await app.goTo('Backup')
  await app.page.getByLabel('Backup peer address').fill(address)
  await app.page.getByLabel('Pairing code').fill(pairingCode)
  await app.page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(app.page.getByText('All files replicated')).toBeVisible({ timeout: 180_000 })
}

/** Files row "⋯" → "Share" → "Create link"; returns the link the dialog shows and closes it. */
export async function createShareLink (app: CairnApp, name: string): Promise<string> {
  const dialog = await app.openShareDialog(name)
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
  await dialog.getByRole('button', { name: 'Done' }).click()
  return link
}

/** Opens a share link from another document, so the page loads afresh (not a same-page hash change). */
export async function openShareLink (page: Page, link: string): Promise<void> {
  await page.goto('about:blank')
  await page.goto(link)
  await expect.poll(() => page.url()).not.toContain('#/s/')
}
