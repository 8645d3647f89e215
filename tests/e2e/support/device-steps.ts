import { expect, type Locator } from '@playwright/test'
import type { CairnApp } from './cairn-app.ts'

/**
 * Steps of pairing a device, in the words the UI shows (issue 10): A shows
 * an offer on the Devices page, B joins from the welcome screen or a link.
 */

/** Settings → Relays: lets the browser be reached through `relay` (a browser cannot listen itself). */
export async function useRelay (app: CairnApp, relay: string): Promise<void> {
  await app.goTo('Settings')
  await app.page.getByLabel('Relay addresses').fill(relay)
  await app.page.getByRole('button', { name: 'Save relays' }).click()
  await expect(app.page.getByLabel('Relay addresses')).toHaveValue(relay)
}

export interface ShownOffer {
  dialog: Locator
  link: string
  code: string
}

/** Devices → "Add a device": the dialog, and the offer's link and code as shown. */
export async function showOffer (app: CairnApp): Promise<ShownOffer> {
  await app.goTo('Devices')
  await app.page.getByRole('button', { name: 'Add a device' }).click()
  const dialog = app.page.getByRole('dialog', { name: 'Add a device' })
  await expect(dialog.getByRole('img', { name: 'QR code of the offer to join this vault' })).toBeVisible({ timeout: 60_000 })
  const link = (await dialog.getByTestId('offer-link').textContent() ?? '').trim()
  const code = (await dialog.getByTestId('offer-code').getAttribute('aria-label') ?? '').replace(/^Code /, '')
  expect(link).toContain('#/join?offer=')
  return { dialog, link, code }
}

/** The safety number a screen (or dialog) shows, digits only. */
export async function safetyNumberIn (scope: Locator): Promise<string> {
  const shown = scope.getByTestId('safety-number')
  await expect(shown).toBeVisible({ timeout: 60_000 })
  return (await shown.textContent() ?? '').replace(/\D/g, '')
}

/** On B after A confirmed: this device's passphrase, then the vault opens on Files. */
export async function finishJoin (app: CairnApp, passphrase: string): Promise<void> {
  const page = app.page
  await expect(page.getByText(/sent this device your vault's key/)).toBeVisible({ timeout: 60_000 })
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('Confirm passphrase').fill(passphrase)
  await page.getByRole('button', { name: 'Open my vault' }).click()
  await app.expectUnlocked()
}
