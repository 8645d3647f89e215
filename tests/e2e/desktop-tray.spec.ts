import { expect, test, type TestInfo } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTrayFixture, type TrayFixture } from './support/tray-fixture-process.ts'
import { childPids, isRunning, pixelsChanged, pixelsOfColour, startXSession, xSessionUnavailable, type XSession, type XWindow } from './support/xvfb-session.ts'
import { attachScreenshot, cairnTrayIcon } from './support/tray-steps.ts'

/**
 * The desktop app's tray (desktop/tray/tray.ts) on a real X desktop: Xvfb
 * with trayer as the tray host, xdotool as the person's hands, screenshots
 * as their eyes. No browser: a small Node script stands in for the daemon
 * and reports the menu's clicks.
 */

const unavailable = xSessionUnavailable()
test.skip(unavailable !== undefined, unavailable)

// The icon's green (desktop/assets/tray-normal.png, like the app's icon).
const CAIRN_GREEN = 0x2f6b5e

let session: XSession
let cacheDir: string
let fixture: TrayFixture | undefined

test.beforeEach(async () => {
  session = await startXSession()
  // The tray copies its program into the user's cache folder: a fresh one per test.
  cacheDir = mkdtempSync(join(tmpdir(), 'cairn-tray-cache-'))
})

test.afterEach(async () => {
  if (fixture !== undefined && fixture.child.exitCode === null) {
    fixture.child.kill('SIGKILL')
    await fixture.exited
  }
  fixture = undefined
  const pids = session.pids()
  await session.stop()
  expect(pids.filter(isRunning), 'Xvfb, dbus-daemon and trayer are gone').toEqual([])
  rmSync(cacheDir, { recursive: true, force: true })
})

const shot = async (info: TestInfo, name: string): Promise<string> => await attachScreenshot(session, info, name)
const cairnIcon = async (): Promise<XWindow> => await cairnTrayIcon(session)

/** Clicks the icon and returns the popup menu that opens. */
async function openMenu (icon: XWindow): Promise<XWindow> {
  const before = new Set((await session.visibleWindows()).map(window => window.id))
  await session.click(icon.x + Math.floor(icon.width / 2), icon.y + Math.floor(icon.height / 2))
  let menu: XWindow | undefined
  await expect.poll(async () => {
    menu = (await session.visibleWindows()).find(window => !before.has(window.id) && window.height > 50)
    return menu !== undefined
  }, { message: 'a popup menu appears' }).toBe(true)
  return menu!
}

async function menuClosed (menu: XWindow): Promise<void> {
  await expect.poll(async () => (await session.visibleWindows()).some(window => window.id === menu.id), { message: 'the menu closes' }).toBe(false)
}

test('the tray icon sits in the tray host, its menu opens, and each entry reaches the daemon; Quit leaves no process', async ({}, testInfo) => { // eslint-disable-line no-empty-pattern
  fixture = startTrayFixture({ ...session.env, XDG_CACHE_HOME: cacheDir })
  const ready = await fixture.next('ready')
  testInfo.annotations.push({ type: 'tray start (ms)', description: String(ready.startMs) })
  const [trayPid] = childPids(fixture.child.pid!)
  expect(trayPid, 'the tray program runs as a child of the daemon').toBeDefined()

  const icon = await cairnIcon()
  const idle = await shot(testInfo, 'tray-idle.png')
  const iconArea = { x: icon.x, y: icon.y, width: icon.width, height: icon.height }
  expect(await pixelsOfColour(idle, iconArea, CAIRN_GREEN), "the icon shows Cairn's green tile").toBeGreaterThan(icon.width * icon.height * 0.3)

  // The menu opens under the icon and shows its entries.
  let menu = await openMenu(icon)
  const plainHeight = menu.height
  const open = await shot(testInfo, 'tray-menu.png')
  const menuArea = { x: menu.x, y: menu.y, width: menu.width, height: menu.height }
  expect(await pixelsChanged(idle, open, menuArea), 'the screen changed where the menu is').toBeGreaterThan(menu.width * menu.height * 0.5)

  // Keyboard: Down selects "Open Cairn".
  await session.key('Down', 'Return')
  await fixture.next('open')
  await menuClosed(menu)

  // "Pause syncing" (the disabled status line is skipped): ticked, then shown ticked.
  menu = await openMenu(icon)
  await session.key('Down', 'Down', 'Return')
  expect((await fixture.next('pause')).paused).toBe(true)
  await menuClosed(menu)
  menu = await openMenu(icon)
  const ticked = await shot(testInfo, 'tray-menu-paused.png')
  expect(await pixelsChanged(open, ticked, { x: menu.x, y: menu.y, width: menu.width, height: menu.height }), 'the Pause syncing box looks different').toBeGreaterThan(0)
  await session.key('Down', 'Down', 'Return')
  expect((await fixture.next('pause')).paused, 'a second choice unticks it').toBe(false)
  await menuClosed(menu)

  // "Start at login" is a checkbox too.
  menu = await openMenu(icon)
  await session.key('Down', 'Down', 'Down', 'Return')
  expect((await fixture.next('start-at-login')).on).toBe(true)
  await menuClosed(menu)

  // Synced folders: a line of their own under the status line, in step or syncing (hidden while none is synced).
  fixture.setStatus({ icon: 'normal', line: 'All backed up', folders: 'Folders in step', paused: false, startAtLogin: true })
  await fixture.next('status')
  menu = await openMenu(icon)
  expect(menu.height, 'the menu has one more line').toBeGreaterThan(plainHeight)
  const inStep = await shot(testInfo, 'tray-menu-folders-in-step.png')
  await session.key('Escape')
  await menuClosed(menu)
  fixture.setStatus({ icon: 'busy', line: 'All backed up', folders: 'Syncing 12 files…', paused: false, startAtLogin: true })
  await fixture.next('status')
  menu = await openMenu(icon)
  const syncing = await shot(testInfo, 'tray-menu-folders-syncing.png')
  expect(await pixelsChanged(inStep, syncing, { x: menu.x, y: menu.y, width: menu.width, height: menu.height }), 'the folders line says they are syncing').toBeGreaterThan(0)
  // Disabled like the status line: the keyboard steps over both to "Pause syncing".
  await session.key('Down', 'Down', 'Return')
  expect((await fixture.next('pause')).paused).toBe(true)
  await menuClosed(menu)

  // The daemon's status changes the icon (busy, error).
  fixture.setStatus({ icon: 'error', line: 'Offline', paused: false, startAtLogin: true })
  await fixture.next('status')
  const errorShot = testInfo.outputPath('tray-error.png')
  await expect.poll(async () => {
    await session.screenshot(errorShot)
    return await pixelsChanged(idle, errorShot, iconArea)
  }, { message: 'the icon shows the error badge' }).toBeGreaterThan(20)
  await testInfo.attach('tray-error.png', { path: errorShot, contentType: 'image/png' })

  // Quit: Up from the top wraps to the last entry.
  menu = await openMenu(icon)
  expect(menu.height, 'no folder synced: the folders line is gone again').toBe(plainHeight)
  const offline = await shot(testInfo, 'tray-menu-offline.png')
  expect(await pixelsChanged(open, offline, { x: menu.x, y: menu.y, width: menu.width, height: menu.height }), 'the status line and the boxes show the new status').toBeGreaterThan(0)
  await session.key('Up', 'Return')
  await fixture.next('quit')
  await fixture.next('stopped')
  expect(await fixture.exited).toBe(0)
  expect(isRunning(trayPid!), 'the tray program is gone').toBe(false)
  await expect.poll(async () => (await session.trayIcons()).length, { message: 'the icon left the tray' }).toBe(0)
})


test('a daemon killed with kill -9 leaves no tray program and no icon behind', async () => {
  fixture = startTrayFixture({ ...session.env, XDG_CACHE_HOME: cacheDir })
  await fixture.next('ready')
  const [trayPid] = childPids(fixture.child.pid!)
  expect(trayPid).toBeDefined()
  await cairnIcon()
  fixture.child.kill('SIGKILL')
  await fixture.exited
  // The program reads the daemon's pipe: when it closes, the program ends.
  await expect.poll(() => isRunning(trayPid!), { message: 'the tray program ends with its daemon' }).toBe(false)
  await expect.poll(async () => (await session.trayIcons()).length, { message: 'the icon left the tray' }).toBe(0)
})
