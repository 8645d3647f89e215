import { mkdtempSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeDir, startRelay, wsAddress } from './support/backup-servers.ts'
import { launchProfile, type Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { startDesktopApp, type DesktopApp } from './support/desktop-app.ts'
import { finishJoin, safetyNumberIn, showOffer, useRelay } from './support/device-steps.ts'
import { expect, test } from './support/fixtures.ts'

// Issue 11: the desktop app is an always-on device of the vault. A browser
// pairs with it; what the browser adds lands whole on the desktop's disk
// (keepByDefault) and is there after the browser is gone; what the desktop
// adds while the browser is closed reaches the browser when it opens again.
// No cairn-peer here: the only other holder is the desktop itself.

const PASSPHRASE_DESKTOP = 'the computer that is always on'
const PASSPHRASE_BROWSER = 'the browser that comes and goes'

/** The desktop's own name for itself (desktop/daemon/node-host.ts desktopDeviceName). */
const DESKTOP_NAME = `Desktop app on ${hostname().split('.')[0] ?? ''}`

/** The offer's link, opened on the browser's app (the link names the desktop's own loopback origin). */
function onBrowserApp (link: string): string {
  return `${CairnApp.appUrl()}/${link.slice(link.indexOf('#'))}`
}

/**
 * The desktop window shows an offer; `profile` joins by its link, or by its short code typed on the join
 * screen (looked up on `relay`, the deployment's relay); the desktop's window confirms the safety number.
 */
async function pairBrowser (desktop: CairnApp, profile: Profile, by: { link: true } | { shortCode: true, relay: string }): Promise<CairnApp> {
  const offer = await showOffer(desktop)
  const browser = new CairnApp(await profile.context.newPage())
  if ('link' in by) {
    await browser.page.goto(onBrowserApp(offer.link))
  } else {
    const relay = by.relay
    await profile.context.route('**/cairn-config.json', async (route) => { await route.fulfill({ json: { relays: [relay] } }) })
    await browser.open()
    await browser.page.getByRole('button', { name: 'Join my vault from another device' }).click()
    await browser.page.getByLabel('Link or code').fill(offer.code)
  }
  await browser.page.getByRole('button', { name: 'Join' }).click()
  expect(await safetyNumberIn(browser.page.locator('main'))).toBe(await safetyNumberIn(offer.dialog))
  await offer.dialog.getByRole('button', { name: 'The numbers match' }).click()
  await finishJoin(browser, PASSPHRASE_BROWSER)
  await expect(offer.dialog.getByText(/was added/)).toBeVisible({ timeout: 60_000 })
  await offer.dialog.getByRole('button', { name: 'Done' }).click()
  return browser
}

/** The Devices page lists both devices, `self` as "This device". */
async function expectBothListed (app: CairnApp, other?: string): Promise<void> {
  await app.goTo('Devices')
  const list = app.page.getByRole('list', { name: 'Devices' })
  await expect(list.getByRole('listitem')).toHaveCount(2)
  if (other !== undefined) await expect(list.getByRole('heading', { name: other })).toHaveCount(1)
  await expect(app.page.getByText('This device')).toHaveCount(1)
  await app.goTo('Files')
}

test('a browser pairs with the desktop; its file lands whole on the desktop\'s disk and is served from there once the browser is closed; the desktop\'s file reaches the browser when it opens again', async ({ files }) => {
  test.setTimeout(180_000)
  const relay = await startRelay()
  const relayAddress = wsAddress(relay.ready.multiaddrs)
  let desktopApp: DesktopApp | undefined
  // The browser's profile outlives its browser: closed and opened again below.
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-desktop-pair-'))
  const profileDir = mkdtempSync(join(tmpdir(), 'cairn-profile-desktop-pair-'))
  let profile: Profile | undefined
  try {
    desktopApp = await startDesktopApp({ dataDir, args: ['--relay', relayAddress] })
    const desktop = new CairnApp((await desktopApp.windowPage()).page)
    await desktop.createVault(PASSPHRASE_DESKTOP)

    // 1. The browser joins through Devices → Add a device; each lists the other.
    profile = await launchProfile({ userDataDir: profileDir })
    let browser = await pairBrowser(desktop, profile, { link: true })
    await useRelay(browser, relayAddress)
    await browser.goTo('Files')
    await expectBothListed(desktop)
    await expectBothListed(browser, DESKTOP_NAME)

    // 2. A file added in the browser: listed on the desktop within seconds, kept whole there.
    const fromBrowser = files.make('from-the-browser.bin', 2 * 1024 * 1024)
    await browser.addFiles([fromBrowser.path])
    const uploaded = Date.now()
    await expect(desktop.row(fromBrowser.name)).toHaveCount(1, { timeout: 10_000 })
    console.log(`desktop-devices: the browser's upload listed on the desktop after ${Date.now() - uploaded} ms`)
    // Not asked to keep it, the desktop fetches it whole: its row says so once every block is on its disk.
    await expect(async () => {
      await desktop.goTo('Dashboard')
      await desktop.goTo('Files')
      await expect(desktop.row(fromBrowser.name).getByText('On this device', { exact: true })).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 60_000 })
    console.log(`desktop-devices: the browser's upload whole on the desktop after ${Date.now() - uploaded} ms`)
    await desktop.goTo('Devices')
    // The browser is gone: the desktop's own disk is the only place its blocks can come from.
    await profile.dispose()
    profile = undefined
    await expect(desktop.page.getByRole('list', { name: 'Devices' }).getByRole('listitem').filter({ hasNotText: 'This device' }))
      .toContainText('Offline', { timeout: 30_000 })
    await desktop.goTo('Files')
    expect(await desktop.downloadSha256(fromBrowser.name)).toBe(fromBrowser.sha256)

    // 3. The desktop adds a file while the browser is closed; the browser, opened again, gets it from the desktop.
    const fromDesktop = files.make('from-the-desktop.bin', 1024 * 1024)
    await desktop.addFiles([fromDesktop.path])
    profile = await launchProfile({ userDataDir: profileDir })
    browser = new CairnApp(await profile.context.newPage())
    await browser.open()
    await browser.unlock(PASSPHRASE_BROWSER)
    await expect(browser.row(fromDesktop.name)).toHaveCount(1, { timeout: 30_000 })
    expect(await browser.downloadSha256(fromDesktop.name)).toBe(fromDesktop.sha256)
  } finally {
    await profile?.dispose()
    await desktopApp?.dispose()
    removeDir(dataDir)
    removeDir(profileDir)
    await relay.stop()
    removeDir(relay.dir)
  }
})

test('the desktop\'s own backup peer: "Use it for this vault" on the desktop pairs it, a browser that joins (by short code) backs up to it, also while the desktop is locked', async ({ files }) => {
  test.setTimeout(180_000)
  const relay = await startRelay()
  const relayAddress = wsAddress(relay.ready.multiaddrs)
  let desktopApp: DesktopApp | undefined
  const profile = await launchProfile()
  try {
    desktopApp = await startDesktopApp({ args: ['--relay', relayAddress] })
    const desktop = new CairnApp((await desktopApp.windowPage()).page)
    await desktop.createVault(PASSPHRASE_DESKTOP)

    await desktop.goTo('Backup')
    const card = desktop.page.getByRole('region', { name: 'This computer is a backup peer' })
    await card.getByRole('button', { name: 'Use it for this vault' }).click()
    await expect(card.getByTestId('desktop-peer-used')).toHaveText('This vault backs up to this computer.', { timeout: 60_000 })
    const peerHeading = desktop.page.getByRole('heading', { name: /^Backup peer / })
    await expect(peerHeading).toHaveCount(1)
    const peerName = (await peerHeading.textContent() ?? '').trim()

    // A browser that joins takes the vault's backup peers with it: the desktop's is on its Backup page.
    const browser = await pairBrowser(desktop, profile, { shortCode: true, relay: relayAddress })
    await useRelay(browser, relayAddress)
    await browser.goTo('Backup')
    await expect(browser.page.getByRole('heading', { name: peerName })).toHaveCount(1, { timeout: 30_000 })

    // The desktop's vault locks (its keys gone); its backup peer, which never had them, still takes the browser's file.
    await desktop.page.getByRole('button', { name: 'Lock' }).click()
    await desktop.expectLocked()
    await browser.goTo('Files')
    const added = files.make('backed-up-from-the-browser.bin', 500_000)
    await browser.addFiles([added.path])
    await expect(browser.row(added.name).getByText('Backup peer')).toBeVisible({ timeout: 60_000 })
  } finally {
    await profile.dispose()
    await desktopApp?.dispose()
    await relay.stop()
    removeDir(relay.dir)
  }
})
