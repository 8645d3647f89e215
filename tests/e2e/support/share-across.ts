import { expect, type Page } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'
import { sha256File } from './cairn-app.ts'
import { openShareLink } from './share-steps.ts'

/** Settings → "Relay addresses": the vault reaches peers through this relay. */
export async function useRelay (app: CairnApp, relayAddress: string): Promise<void> {
  await app.goTo('Settings')
  await app.page.getByLabel('Relay addresses').fill(relayAddress)
  await app.page.getByRole('button', { name: 'Save relays' }).click()
  await app.goTo('Files')
}

/** Files row "⋯" → "Share" with "Relay addresses only" ticked → "Create link"; returns the link. */
export async function createRelayOnlyShareLink (app: CairnApp, name: string): Promise<string> {
  const dialog = await app.openShareDialog(name)
  await dialog.getByRole('checkbox', { name: 'Relay addresses only' }).check()
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const link = await dialog.getByRole('textbox', { name: 'Share link' }).inputValue({ timeout: 60_000 })
  await dialog.getByRole('button', { name: 'Done' }).click()
  return link
}

/** Shares page: waits until the backup peer holds a copy of `count` shares. */
export async function expectSharesOnBackupPeer (app: CairnApp, count: number): Promise<void> {
  await app.page.getByRole('navigation').getByRole('link', { name: 'Shares' }).click()
  await expect(app.page.getByRole('heading', { name: 'My shares' })).toBeVisible()
  await expect(app.page.getByText('On your backup peer')).toHaveCount(count, { timeout: 120_000 })
}

/** Opens a share link in a browser with no vault and returns the SHA-256 of the file it downloads. */
export async function downloadSharedSha256 (page: Page, link: string, name: string): Promise<string> {
  await openShareLink(page, link)
  await expect(page.getByRole('heading', { name })).toBeVisible({ timeout: 60_000 })
  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: `Download ${name}` }).click({ timeout: 60_000 })
  return sha256File(await (await download).path())
}
