import { expect, type Locator } from '@playwright/test'
import { CairnApp } from './cairn-app.ts'
import type { Profile } from './browser.ts'

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

/**
 * Pairs a fresh browser `profile` into `a`'s vault by link (A: Devices → Add a device; B opens
 * the link, both see the same safety number, A confirms, B picks `passphrase`). A must use a relay.
 */
export async function pairByLink (a: CairnApp, profile: Profile, passphrase: string): Promise<CairnApp> {
  const offer = await showOffer(a)
  const b = new CairnApp(await profile.context.newPage())
  await b.page.goto(offer.link)
  await b.page.getByRole('button', { name: 'Join' }).click()
  expect(await safetyNumberIn(b.page.locator('main'))).toBe(await safetyNumberIn(offer.dialog))
  await offer.dialog.getByRole('button', { name: 'The numbers match' }).click()
  await finishJoin(b, passphrase)
  await expect(offer.dialog.getByText(/was added/)).toBeVisible({ timeout: 60_000 })
  await offer.dialog.getByRole('button', { name: 'Done' }).click()
  await a.goTo('Files')
  return b
}

/** Dashboard → "Stored (encrypted)", in bytes (as the dashboard rounds it), then back to Files. */
export async function storedBytes (app: CairnApp): Promise<number> {
  await app.goTo('Dashboard')
  const shown = app.page.locator('dt:text-is("Stored (encrypted)") + dd')
  await expect(shown).toHaveText(/^[\d.]+ (byte|bytes|KB|MB|GB)$/)
  const [value, unit] = (await shown.textContent() ?? '').split(' ')
  const scale: Record<string, number> = { byte: 1, bytes: 1, KB: 1e3, MB: 1e6, GB: 1e9 }
  await app.goTo('Files')
  return Number(value) * (scale[unit ?? ''] ?? NaN)
}
