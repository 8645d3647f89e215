import { expect, test } from './support/fixtures.ts'
import { CairnApp } from './support/cairn-app.ts'

const PASSPHRASE = 'three tabs and one quiet node'

test('with three tabs, when the leader closes the third tab reaches the new leader\'s node over a fresh port', async ({ profile, files }) => {
  const note = files.make('handover.txt', 4000)
  const first = new CairnApp(await profile.context.newPage())
  await first.open()
  await first.createVault(PASSPHRASE)
  await first.addFiles([note.path])
  const second = new CairnApp(await profile.context.newPage())
  await second.open()
  await second.expectUnlocked()
  const third = new CairnApp(await profile.context.newPage())
  await third.open()
  await third.expectUnlocked()

  await first.page.close()
  // The second tab leads now; the third never ran the node and must still reach it.
  await third.expectLocked()
  await third.unlock(PASSPHRASE)
  await third.expectListed([note.name])
  expect(await third.downloadSha256(note.name)).toBe(note.sha256)
  await second.expectUnlocked()
  // Nothing left over from the calls the closed tab never answered.
  await expect(third.page.getByRole('alert')).toHaveCount(0)
  await expect(second.page.getByRole('alert')).toHaveCount(0)
})

test('an unlock in flight when the leader closes is neither hung nor lost: the tab that takes over runs it', async ({ profile, files }) => {
  const note = files.make('inflight.txt', 2000)
  const leader = new CairnApp(await profile.context.newPage())
  await leader.open()
  await leader.createVault(PASSPHRASE)
  await leader.addFiles([note.path])
  await leader.page.getByRole('button', { name: 'Lock' }).click()
  const tab = new CairnApp(await profile.context.newPage())
  await tab.open()
  await tab.expectLocked()
  await tab.page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
  await tab.page.getByRole('button', { name: 'Unlock' }).click()
  // Argon2 runs in the leader's node for about a second: close it meanwhile.
  await leader.page.close()
  await expect(tab.page.getByRole('button', { name: 'Add files' }).or(tab.page.getByRole('alert'))).toBeVisible()
  // Before, the unlock failed ("Cairn lost contact with its background process") and had to be typed again.
  await expect(tab.page.getByRole('alert')).toHaveCount(0)
  await tab.expectListed([note.name])
})

test('a tab reaches the node after the service worker was stopped, and from a hard reload with no controller', async ({ profile, files }) => {
  const note = files.make('restart.txt', 3000)
  const leader = new CairnApp(await profile.context.newPage())
  await leader.open()
  await leader.createVault(PASSPHRASE)
  await leader.addFiles([note.path])
  await leader.page.getByRole('button', { name: 'Lock' }).click()

  // The browser stops an idle service worker; it forgets which tab leads.
  const cdp = await profile.context.newCDPSession(leader.page)
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.stopAllWorkers')
  const tab = new CairnApp(await profile.context.newPage())
  await tab.open()
  await tab.unlock(PASSPHRASE)
  await tab.expectListed([note.name])
  expect(await tab.downloadSha256(note.name)).toBe(note.sha256)
  await tab.page.getByRole('button', { name: 'Lock' }).click()

  // Shift+Reload: the page is not controlled by the service worker.
  const hard = await profile.context.newCDPSession(tab.page)
  const loaded = tab.page.waitForEvent('load')
  await hard.send('Page.reload', { ignoreCache: true })
  await loaded
  expect(await tab.page.evaluate(() => navigator.serviceWorker.controller === null)).toBe(true)
  await tab.unlock(PASSPHRASE)
  await tab.expectListed([note.name])
  expect(await tab.downloadSha256(note.name)).toBe(note.sha256)

  // The tab that runs the node reloaded the same way: other tabs still reach it.
  await leader.page.close()
  await tab.expectLocked()
  const another = new CairnApp(await profile.context.newPage())
  await another.open()
  await another.unlock(PASSPHRASE)
  await another.expectListed([note.name])
  expect(await another.downloadSha256(note.name)).toBe(note.sha256)
  await tab.expectUnlocked()
})
