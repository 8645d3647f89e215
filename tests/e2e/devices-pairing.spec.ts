import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { wsAddress } from './support/backup-servers.ts'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { finishJoin, safetyNumberIn, showOffer, useRelay } from './support/device-steps.ts'
import { fakeCameraArgs, writeQrStill } from './support/fake-camera.ts'
import { expect, test } from './support/fixtures.ts'
import { pairBackupPeer } from './support/share-steps.ts'
import { messageForCode } from '../../web/error-messages.ts'

// Issue 10: pairing a second device. Device A is the `app` fixture's
// profile; device B (and C) are profiles of their own, each its own
// browser. Both reach each other through a real relay; A also has a real
// backup peer. NOTE: on the devices branch the node's device handlers are
// not wired yet, so these fail until that wiring lands.

const PASSPHRASE_A = 'the laptop that holds the vault'
const PASSPHRASE_B = 'the phone that joins it later'

/** Ten minutes and a little more: an offer's lifetime has passed. */
const PAST_EXPIRY_MS = 11 * 60_000

/** B: a fresh browser on the app's welcome screen. */
async function freshDevice (profile: Profile): Promise<CairnApp> {
  const app = new CairnApp(await profile.context.newPage())
  await app.open()
  await expect(app.page.getByRole('button', { name: 'Join my vault from another device' })).toBeVisible()
  return app
}

/** Moves Date.now of this page forward (its countdown), the way shiftNodeClock does its node worker's. */
async function shiftPageClock (page: Page, ms: number): Promise<void> {
  await page.evaluate((offset) => {
    const real = Date.now.bind(Date)
    Date.now = () => real() + offset
  }, ms)
}

/** Moves Date.now of this page's node worker forward (Playwright's clock does not reach workers). */
async function shiftNodeClock (page: Page, ms: number): Promise<void> {
  await expect.poll(() => page.workers().some(w => w.url().includes('node-worker'))).toBe(true)
  for (const worker of page.workers().filter(w => w.url().includes('node-worker'))) {
    await worker.evaluate((offset) => {
      const real = Date.now.bind(Date)
      Date.now = () => real() + offset
    }, ms)
  }
}

test('the join screen takes an offer from a link in the address bar, or from the camera (jsQR: no BarcodeDetector here)', async ({ app, files }) => {
  // Needs no second device: only what the screen does with the offer before the node sees it.
  const link = `${CairnApp.appUrl()}/#/join?offer=${'Zm9vYmFy'.repeat(30)}`
  await app.page.goto(link)
  await expect(app.page.getByRole('heading', { name: 'Join my vault from another device' })).toBeVisible()
  await expect(app.page.getByLabel('Link or code')).toHaveValue(link)
  expect(app.page.url()).not.toContain('offer=')

  const still = join(files.dir, 'some-offer.y4m')
  writeQrStill(link, still)
  const b = await launchProfile({ extraArgs: fakeCameraArgs(still) })
  try {
    await b.context.grantPermissions(['camera'], { origin: CairnApp.appUrl() })
    const phone = await freshDevice(b)
    await phone.page.getByRole('button', { name: 'Join my vault from another device' }).click()
    await phone.page.getByRole('button', { name: 'Scan QR code' }).click()
    // The code read from the camera fills the field, and joining starts (this offer leads nowhere: refused in words).
    await expect(phone.page.getByLabel('Link or code')).toHaveValue(link)
    await expect(phone.page.getByRole('alert')).toBeVisible({ timeout: 60_000 })
    await expect(phone.page.getByRole('button', { name: 'Try again' })).toBeVisible()
  } finally {
    await b.dispose()
  }
})

test('pair by link: both screens show the same safety number, B chooses its passphrase and lists A\'s files; the used link is refused', async ({ app, files, backup: { relay, peer } }) => {
  test.setTimeout(420_000)
  const doc = files.make('minutes.pdf', 300_000)
  await app.open()
  await app.createVault(PASSPHRASE_A)
  await useRelay(app, wsAddress(relay.ready.multiaddrs))
  await app.goTo('Files')
  await app.addFiles([doc.path])
  await pairBackupPeer(app, wsAddress(peer.ready.multiaddrs), peer.ready.pairingCode ?? '')

  const offer = await showOffer(app)
  expect(offer.code).toMatch(/^\d{4}-\d{4}-\d{4}$/)
  await expect(offer.dialog.getByRole('timer')).toContainText(/(10:00|09:\d\d)/)

  const b = await launchProfile()
  const c = await launchProfile()
  try {
    const phone = new CairnApp(await b.context.newPage())
    // Opening the link goes straight to the join screen with the offer filled in, and takes the secret out of the address bar.
    await phone.page.goto(offer.link)
    await expect(phone.page.getByRole('heading', { name: 'Join my vault from another device' })).toBeVisible()
    await expect(phone.page.getByLabel('Link or code')).toHaveValue(offer.link)
    expect(phone.page.url()).not.toContain('offer=')
    await phone.page.getByRole('button', { name: 'Join' }).click()

    const onB = await safetyNumberIn(phone.page.locator('main'))
    const onA = await safetyNumberIn(offer.dialog)
    expect(onB.length).toBeGreaterThanOrEqual(20)
    expect(onB).toBe(onA)
    await expect(phone.page.getByText(/^Confirm on /)).toBeVisible()

    await offer.dialog.getByRole('button', { name: 'The numbers match' }).click()
    await finishJoin(phone, PASSPHRASE_B)
    await expect(offer.dialog.getByText(/was added/)).toBeVisible({ timeout: 60_000 })
    // B lists the vault's files at once (their content comes when opened).
    await expect(phone.row(doc.name)).toHaveCount(1, { timeout: 5_000 })

    await offer.dialog.getByRole('button', { name: 'Done' }).click()
    await expect(app.page.getByRole('list', { name: 'Devices' }).getByRole('listitem')).toHaveCount(2)
    await expect(app.page.getByText('This device')).toHaveCount(1)

    // The same link again, on a third browser: refused, in words.
    const third = await freshDevice(c)
    await third.page.goto(offer.link)
    await third.page.getByRole('button', { name: 'Join' }).click()
    await expect(third.page.getByRole('alert')).toContainText(messageForCode('PAIRING_OFFER_USED'), { timeout: 60_000 })
    await expect(third.page.getByRole('button', { name: 'Try again' })).toBeVisible()
  } finally {
    await b.dispose()
    await c.dispose()
  }
})

test('pair by QR code through the camera: the code is read from the camera picture, and both screens show the same safety number', async ({ app, files, backup: { relay } }) => {
  test.setTimeout(300_000)
  await app.open()
  await app.createVault(PASSPHRASE_A)
  await useRelay(app, wsAddress(relay.ready.multiaddrs))
  const offer = await showOffer(app)

  // The QR code of this very offer, as the picture the fake camera plays.
  const still = join(files.dir, 'offer-qr.y4m')
  writeQrStill(offer.link, still)
  const b = await launchProfile({ extraArgs: fakeCameraArgs(still) })
  try {
    await b.context.grantPermissions(['camera'], { origin: CairnApp.appUrl() })
    const phone = await freshDevice(b)
    await phone.page.getByRole('button', { name: 'Join my vault from another device' }).click()
    await phone.page.getByRole('button', { name: 'Scan QR code' }).click()
    // Chromium on Linux has no BarcodeDetector: this goes through jsQR.
    const onB = await safetyNumberIn(phone.page.locator('main'))
    await expect(phone.page.getByLabel('Link or code')).toHaveCount(0)
    expect(onB).toBe(await safetyNumberIn(offer.dialog))

    await offer.dialog.getByRole('button', { name: 'The numbers match' }).click()
    await finishJoin(phone, PASSPHRASE_B)
    await expect(offer.dialog.getByText(/was added/)).toBeVisible({ timeout: 60_000 })
  } finally {
    await b.dispose()
  }
})

test('an expired offer is refused in words on both screens, and "New offer" makes one that works', async ({ app, backup: { relay } }) => {
  test.setTimeout(300_000)
  // Ten minutes pass by moving Date.now forward, in the pages (the countdown) and in the node workers (the offers).
  await app.open()
  await app.createVault(PASSPHRASE_A)
  await useRelay(app, wsAddress(relay.ready.multiaddrs))
  const offer = await showOffer(app)

  const b = await launchProfile()
  try {
    // A fresh device looks a typed code up on the relays the deployment names (/cairn-config.json).
    await b.context.route('**/cairn-config.json', async (route) => { await route.fulfill({ json: { relays: [wsAddress(relay.ready.multiaddrs)] } }) })
    const phone = await freshDevice(b)
    await phone.page.getByRole('button', { name: 'Join my vault from another device' }).click()
    // Typed by hand, with spaces instead of dashes: the code is forgiven its separators.
    await phone.page.getByLabel('Link or code').fill(offer.code.replace(/-/g, ' '))

    // Ten minutes pass, on A (which checks its offers) and on B.
    await shiftPageClock(app.page, PAST_EXPIRY_MS)
    await expect(offer.dialog.getByText('This offer expired before a device used it. Make a new one to try again.')).toBeVisible()
    await shiftNodeClock(app.page, PAST_EXPIRY_MS)
    await shiftNodeClock(phone.page, PAST_EXPIRY_MS)

    await phone.page.getByRole('button', { name: 'Join' }).click()
    await expect(phone.page.getByRole('alert')).toContainText(messageForCode('PAIRING_OFFER_EXPIRED'), { timeout: 60_000 })

    // A fresh offer works.
    await offer.dialog.getByRole('button', { name: 'New offer' }).click()
    const fresh = (await offer.dialog.getByTestId('offer-link').textContent() ?? '').trim()
    expect(fresh).not.toBe(offer.link)
    await phone.page.getByRole('button', { name: 'Try again' }).click()
    await phone.page.getByLabel('Link or code').fill(fresh)
    await phone.page.getByRole('button', { name: 'Join' }).click()
    expect(await safetyNumberIn(phone.page.locator('main'))).toBe(await safetyNumberIn(offer.dialog))
  } finally {
    await b.dispose()
  }
})
