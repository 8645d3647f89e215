import type { Page } from '@playwright/test'
import { wsAddress } from './support/backup-servers.ts'
import type { Profile } from './support/browser.ts'
import { CairnApp } from './support/cairn-app.ts'
import { expect, test } from './support/fixtures.ts'

// Issue 11: the node's notices reach a plain browser through the
// Notification API once the user allows it, and only while the page is
// hidden; each kind can be turned off in Settings → Notifications.

const PASSPHRASE = 'notices for a browser in the background'

interface Recorded { title: string, body?: string, tag?: string }

declare global {
  interface Window {
    /** Every `new Notification(…)` the page made (the init script below). */
    cairnNotifications: Recorded[]
    /** Whether the page claims to be hidden (no headless window can be). */
    cairnHidden: boolean
  }
}

/**
 * Records each Notification the page constructs, still constructing the real
 * one, and lets the test say the page is hidden (another tab, minimised).
 */
async function watchNotifications (profile: Profile): Promise<void> {
  await profile.context.grantPermissions(['notifications'], { origin: CairnApp.appUrl() })
  await profile.context.addInitScript(() => {
    window.cairnNotifications = []
    window.cairnHidden = false
    const Real = window.Notification
    class Recording extends Real {
      constructor (title: string, options?: NotificationOptions) {
        window.cairnNotifications.push({ title, body: options?.body, tag: options?.tag })
        super(title, options)
      }
    }
    window.Notification = Recording
    Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => window.cairnHidden ? 'hidden' : 'visible' })
  })
}

async function notificationsOf (page: Page): Promise<Recorded[]> {
  return await page.evaluate(() => window.cairnNotifications)
}

/** Settings → Notifications, the checkbox of one kind. */
function kindBox (app: CairnApp, words: string) {
  return app.page.getByRole('group', { name: 'Tell me when' }).getByRole('checkbox', { name: words })
}

test('a kind of notice turned off in Settings stays off after a reload; the browser is asked only on a click', async ({ app, profile }) => {
  await profile.context.addInitScript(() => {
    // Counts requestPermission calls: none until the button is clicked.
    const real = Notification.requestPermission.bind(Notification)
    ;(window as unknown as { asked: number }).asked = 0
    Notification.requestPermission = async () => { (window as unknown as { asked: number }).asked++; return await real() }
  })
  await app.open()
  await app.createVault(PASSPHRASE)
  await app.goTo('Settings')
  const conflicts = kindBox(app, 'A file was changed on two devices at once')
  await expect(conflicts).toBeChecked()
  await expect(kindBox(app, 'A device was paired')).toBeChecked()
  await conflicts.uncheck()
  await expect(conflicts).not.toBeChecked()
  expect(await app.page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(0)

  await app.page.reload()
  await app.unlock(PASSPHRASE)
  await app.expectUnlocked()
  await app.goTo('Settings')
  await expect(kindBox(app, 'A file was changed on two devices at once')).not.toBeChecked()
  await expect(kindBox(app, 'A device was paired')).toBeChecked()
  await app.page.getByRole('button', { name: 'Allow notifications in this browser' }).click()
  expect(await app.page.evaluate(() => (window as unknown as { asked: number }).asked)).toBe(1)
})

test('a long backup finished: a browser notification while the page is hidden, a toast while in view, nothing once turned off', async ({ app, profile, files, backup: { peer } }) => {
  test.setTimeout(300_000)
  await watchNotifications(profile)
  await app.open()
  await app.createVault(PASSPHRASE)
  // An empty vault's peer never says "All files replicated" (share-steps' pairBackupPeer): wait for it online.
  await app.goTo('Backup')
  await app.page.getByLabel('Backup peer address').fill(wsAddress(peer.ready.multiaddrs))
  await app.page.getByLabel('Pairing code').fill(peer.ready.pairingCode ?? '')
  await app.page.getByRole('button', { name: 'Add backup peer' }).click()
  await expect(app.page.getByRole('region', { name: /^Backup peer / }).getByText('Online')).toBeVisible({ timeout: 60_000 })
  await app.goTo('Settings')
  await expect(app.page.getByText('This browser shows them while Cairn is in the background.')).toBeVisible()
  await app.goTo('Files')

  // Thirty files at once: a backup worth a notice (core/node/notices.ts LONG_BACKUP).
  const batch = (prefix: string) => Array.from({ length: 30 }, (_, n) => files.make(`${prefix}-${n}.bin`, 10_000).path)
  const onBackup = app.page.locator('.badge-backup')
  await app.page.evaluate(() => { window.cairnHidden = true })
  await app.addFiles(batch('first'))
  await expect.poll(async () => (await notificationsOf(app.page)).map(n => n.title), { timeout: 180_000 }).toEqual(['Backup finished'])
  expect((await notificationsOf(app.page))[0]?.body).toBe('30 files (300 KB) are now safe on your backup peer.')
  await expect(onBackup).toHaveCount(30)

  // In view, the next one is a toast in the page instead (web/models/toast-wiring.ts).
  await app.page.evaluate(() => { window.cairnHidden = false })
  await app.addFiles(batch('second'))
  await expect(app.page.getByRole('region', { name: 'Messages' }).getByText(/^Backup finished/)).toBeVisible({ timeout: 180_000 })
  expect(await notificationsOf(app.page)).toHaveLength(1)

  // Turned off: a third such backup, held by the peer in full, makes no notification.
  await app.goTo('Settings')
  await kindBox(app, 'A backup finished after a long upload').uncheck()
  await expect(kindBox(app, 'A backup finished after a long upload')).not.toBeChecked()
  await app.goTo('Files')
  await app.page.evaluate(() => { window.cairnHidden = true })
  await app.addFiles(batch('third'))
  await expect(onBackup).toHaveCount(90, { timeout: 180_000 })
  // The node's log says when it noticed the backup finish and kept quiet: only then is "none" a result.
  // (An upload slower than the backup can drain the waiting list part-way: then two runs end, two lines.)
  await app.goTo('Logs')
  await expect(app.page.getByText('notice not shown (backup-done is turned off): Backup finished').first()).toBeVisible({ timeout: 60_000 })
  expect(await notificationsOf(app.page)).toHaveLength(1)
})
