import { expect, test, type TestInfo } from '@playwright/test'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import { instanceSocketPath } from '../../desktop/single-instance.ts'
import { CairnApp } from './support/cairn-app.ts'
import { DESKTOP_BIN, startDesktopApp, windowDevtoolsPort, type DesktopApp } from './support/desktop-app.ts'
import { TestFiles } from './support/test-files.ts'
import { childPids, isRunning, pixelsChanged, startXSession, xSessionUnavailable, type XSession, type XWindow } from './support/xvfb-session.ts'
import { attachScreenshot, cairnTrayIcon } from './support/tray-steps.ts'

/**
 * The walk through the desktop app as a person meets it: the real
 * `cairn-desktop` on an X desktop (Xvfb, trayer as the tray host), started
 * without a window; its tray icon and menu, the app window it opens from
 * there (headed Chromium, remote-controlled over its DevTools port), Pause,
 * a second launch, and Quit.
 */

const unavailable = xSessionUnavailable()
test.skip(unavailable !== undefined, unavailable)

let session: XSession
let desktop: DesktopApp | undefined
let browser: Browser | undefined
let dataDir: string | undefined

test.beforeEach(async () => {
  session = await startXSession()
})

test.afterEach(async ({}, testInfo) => { // eslint-disable-line no-empty-pattern
  if (desktop !== undefined) await testInfo.attach('cairn-desktop.log', { body: desktop.process.log(), contentType: 'text/plain' })
  await browser?.close().catch(() => {})
  browser = undefined
  await desktop?.dispose()
  desktop = undefined
  await session.stop()
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
})

/** Starts the daemon on the X desktop with no window; its tray program lives in a cache folder inside the data folder. */
async function startOnDesktop (): Promise<DesktopApp> {
  dataDir = mkdtempSync(join(tmpdir(), 'cairn-walk-'))
  return await startDesktopApp({ dataDir, window: false, env: { ...stringEnv(session.env), XDG_CACHE_HOME: join(dataDir, 'xdg-cache') } })
}

function stringEnv (env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

const shot = async (info: TestInfo, name: string): Promise<string> => await attachScreenshot(session, info, name)
const cairnIcon = async (): Promise<XWindow> => await cairnTrayIcon(session)

/**
 * Clicks the tray icon and returns the popup menu. The icon is looked up again
 * for each click (trayer moves it while it settles its width), and a click the
 * icon was not ready for is tried again.
 */
async function openMenu (): Promise<XWindow> {
  // No window manager keeps the panel on top: the app window (full screen here) covers it until raised.
  const panel = (await session.windows()).children.find(window => window.className === 'trayer' && window.instance === 'panel')
  if (panel !== undefined) await session.xdotool('windowraise', panel.id)
  const before = new Set((await session.visibleWindows()).map(window => window.id))
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const icon = await cairnIcon()
    await session.click(icon.x + Math.floor(icon.width / 2), icon.y + Math.floor(icon.height / 2))
    const clicked = Date.now()
    while (Date.now() - clicked < 3_000) {
      const menu = (await session.visibleWindows()).find(window => !before.has(window.id) && window.height > 50 && window.width < 600)
      if (menu !== undefined) return menu
    }
  }
  throw new Error('the tray menu did not open')
}

async function menuClosed (menu: XWindow): Promise<void> {
  await expect.poll(async () => (await session.visibleWindows()).some(window => window.id === menu.id), { message: 'the menu closes' }).toBe(false)
}

/** Picks a menu entry with the keyboard: Down n times (the disabled status line is skipped), then Return. */
async function choose (menu: XWindow, downs: number): Promise<void> {
  await session.key(...Array<string>(downs).fill('Down'), 'Return')
  await menuClosed(menu)
}

// The menu (desktop/tray/tray-menu.ts): Open Cairn, status line, Pause syncing, Start at login, separator, Quit.
const OPEN = 1
const PAUSE = 2

/** The status line's row of a menu (the second of five equal rows; the separator is thin). */
function statusRow (menu: XWindow): { x: number, y: number, width: number, height: number } {
  const row = Math.floor(menu.height / 5.4)
  return { x: menu.x + 4, y: menu.y + row + 2, width: menu.width - 8, height: row - 4 }
}

/** Every process whose command line names `text` (like `pgrep -f`), this test's own excepted. */
function processesNaming (text: string): number[] {
  return readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter((pid) => {
    if (pid === process.pid) return false
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && isRunning(pid)
    } catch {
      return false
    }
  })
}

/** The processes of a process group (Linux /proc: the fifth field of stat). */
function groupMembers (pgid: number): number[] {
  return readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid && isRunning(pid)
    } catch {
      return false
    }
  })
}

const profileOf = (dataDir: string): string => join(dataDir, 'window-profile')

/**
 * Attaches to the app window over its DevTools port and gives the page on the
 * app. The port file of a window that closed is removed before it reopens
 * (see `forgetWindow`), so the port read here is the live one.
 */
async function attachWindow (app: DesktopApp): Promise<Page> {
  await expect.poll(() => windowDevtoolsPort(app.dataDir), { message: 'the app window opens (its DevTools port)' }).toBeDefined()
  const endpoint = `http://127.0.0.1:${windowDevtoolsPort(app.dataDir)}`
  // Attach once the window shows the app: attaching while Chromium still starts can hang.
  await expect.poll(async () => {
    const targets = await fetch(`${endpoint}/json/list`).then(async response => await response.json() as Array<{ type: string, url: string }>, () => [])
    return targets.some(target => target.type === 'page' && target.url.startsWith(app.origin))
  }, { message: 'the window shows the app (DevTools target list)' }).toBe(true)
  await browser?.close().catch(() => {})
  browser = undefined
  for (let attempt = 1; browser === undefined; attempt++) {
    try {
      browser = await chromium.connectOverCDP(endpoint, { timeout: 15_000 })
    } catch (err) {
      if (attempt === 3) throw err
    }
  }
  return await appPage(browser, app.origin)
}

async function appPage (from: Browser, origin: string, not: Page[] = []): Promise<Page> {
  let page: Page | undefined
  await expect.poll(() => {
    page = from.contexts().flatMap(context => context.pages()).find(p => p.url().startsWith(origin) && !not.includes(p))
    return page !== undefined
  }, { message: 'the window shows the app' }).toBe(true)
  return page!
}

/** After the window closed: Chromium's port file stays behind; a new window writes a new one. */
function forgetWindow (dataDir: string): void {
  rmSync(join(profileOf(dataDir), 'DevToolsActivePort'), { force: true })
}

function filesUnder (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : []
  })
}

test('from the tray: the menu, Open Cairn, a vault and a file in the window, stored encrypted; closing the window leaves the daemon running; Pause syncing', async ({}, testInfo) => { // eslint-disable-line no-empty-pattern
  const files = new TestFiles()
  try {
    desktop = await startOnDesktop()
    const app = desktop
    await cairnIcon()
    expect(windowDevtoolsPort(app.dataDir), 'no window at start (--no-window)').toBeUndefined()

    // The menu, with the daemon's status for a fresh install.
    const idle = await shot(testInfo, 'walk-1-tray.png')
    let menu = await openMenu()
    const opened = await shot(testInfo, 'walk-2-menu-no-vault.png')
    expect(await pixelsChanged(idle, opened, statusRow(menu)), 'the status line has words').toBeGreaterThan(20)

    // "Open Cairn" opens the app window.
    await choose(menu, OPEN)
    const page = await attachWindow(app)
    await expect(page.locator('meta[name="cairn-host"]')).toHaveAttribute('content', 'desktop')
    const cairn = new CairnApp(page)
    await cairn.createVault('correct horse battery staple 42')
    const file = files.make(`walk-${randomBytes(6).toString('hex')}.bin`, 2 * 1024 * 1024)
    await cairn.addFiles([file.path])
    await cairn.expectListed([file.name])
    // The screenshot shows no "Save password?" bubble: the window's profile has Chromium's password manager off.
    await shot(testInfo, 'walk-3-window.png')
    const preferences = JSON.parse(readFileSync(join(profileOf(app.dataDir), 'Default', 'Preferences'), 'utf8')) as { credentials_enable_service?: boolean }
    expect(preferences.credentials_enable_service, 'Chromium offers no password saving in the app window').toBe(false)

    // On the daemon's disk: the vault, and nowhere under the data folder the file's marker or name.
    const vaultBytes = filesUnder(join(app.dataDir, 'vault')).reduce((sum, path) => sum + statSync(path).size, 0)
    expect(vaultBytes, 'the file landed in <dataDir>/vault').toBeGreaterThan(file.size)
    const inProfile: string[] = []
    for (const path of filesUnder(app.dataDir)) {
      const content = readFileSync(path)
      const found = content.includes(files.marker) || content.includes(Buffer.from(file.name))
      if (path.startsWith(profileOf(app.dataDir))) { if (found) inProfile.push(path.slice(app.dataDir.length + 1)) } else {
        expect(content.includes(files.marker), `plaintext in ${path}`).toBe(false)
        expect(content.includes(Buffer.from(file.name)), `the file name in ${path}`).toBe(false)
      }
    }
    testInfo.annotations.push({ type: 'window profile holding the name or content', description: inProfile.join(', ') || 'none' })
    expect(inProfile, "the window's Chromium profile keeps neither the file's name nor its content").toEqual([])

    // Closing the window (its one page) leaves the daemon running.
    const windowPids = processesNaming(profileOf(app.dataDir))
    expect(windowPids.length, "the window's Chromium runs").toBeGreaterThan(0)
    // As a person does: Ctrl+W in the window (focused by hand: no window manager here).
    const [windowId] = (await session.xdotool('search', '--onlyvisible', '--class', 'Cairn')).trim().split('\n').filter(id => id !== '')
    expect(windowId, 'the app window is on the screen (class Cairn)').toBeDefined()
    await session.xdotool('windowfocus', '--sync', windowId!)
    await session.key('ctrl+w')
    await expect.poll(() => windowPids.filter(isRunning), { message: "the window's Chromium exits" }).toEqual([])
    expect(isRunning(app.process.child.pid!), 'the daemon runs on').toBe(true)
    // Chromium writes its profile as it exits: look again, the profile included.
    for (const path of filesUnder(app.dataDir)) {
      const content = readFileSync(path)
      expect(content.includes(files.marker), `plaintext in ${path} after the window closed`).toBe(false)
      expect(content.includes(Buffer.from(file.name)), `the file name in ${path} after the window closed`).toBe(false)
    }
    await expect.poll(async () => (await session.trayIcons()).length, { message: 'the icon stays in the tray' }).toBe(1)

    // Opened again from the tray, the window finds the daemon with the vault and the file.
    forgetWindow(app.dataDir)
    menu = await openMenu()
    const running = await shot(testInfo, 'walk-4-menu-vault.png')
    const row = statusRow(menu)
    expect(await pixelsChanged(opened, running, row), 'the status line no longer reads as with no vault').toBeGreaterThan(20)
    await choose(menu, OPEN)
    const again = new CairnApp(await attachWindow(app))
    await again.expectListed([file.name])

    // Pause syncing: the status line says so; chosen again, the menu reads as before.
    menu = await openMenu()
    await choose(menu, PAUSE)
    menu = await openMenu()
    const paused = await shot(testInfo, 'walk-5-menu-paused.png')
    expect(await pixelsChanged(running, paused, row), 'the status line reads differently while paused').toBeGreaterThan(20)
    await choose(menu, PAUSE)
    menu = await openMenu()
    const resumed = await shot(testInfo, 'walk-6-menu-resumed.png')
    expect(await pixelsChanged(running, resumed, statusRow(menu)), 'resumed, the status line reads as before').toBe(0)
    await session.key('Escape')
    await menuClosed(menu)
  } finally {
    files.dispose()
  }
})

test('a second launch opens the window; Quit leaves no process and no socket', async ({}, testInfo) => { // eslint-disable-line no-empty-pattern
  desktop = await startOnDesktop()
  const app = desktop
  await cairnIcon()
  const [trayPid] = childPids(app.process.child.pid!).filter(pid => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tray'))
  expect(trayPid, 'the tray program runs as a child of the daemon').toBeDefined()

  // A second launch on the same data folder exits 0 and the first opens its window.
  const second = spawn(process.execPath, [DESKTOP_BIN, '--data-dir', app.dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...stringEnv(session.env) } })
  let said = ''
  second.stdout.setEncoding('utf8').on('data', (chunk: string) => { said += chunk })
  const code = await new Promise<number | null>(resolve => second.once('exit', resolve))
  expect(code, `the second launch exits 0 (it said: ${said.trim()})`).toBe(0)
  const page = await attachWindow(app)
  await expect(page.locator('meta[name="cairn-host"]')).toHaveAttribute('content', 'desktop')
  await shot(testInfo, 'walk-7-second-launch.png')

  // A third launch while the window is open: a new page on the same window's DevTools port.
  const third = spawn(process.execPath, [DESKTOP_BIN, '--data-dir', app.dataDir], { stdio: 'ignore', env: { ...process.env, ...stringEnv(session.env) } })
  expect(await new Promise<number | null>(resolve => third.once('exit', resolve))).toBe(0)
  await appPage(browser!, app.origin, [page])

  // Quit: the daemon, the tray program and the window's Chromium all end; the one-instance socket is gone.
  const socket = instanceSocketPath(app.dataDir)
  expect(existsSync(socket), 'the one-instance socket exists while running').toBe(true)
  // The window's Chromium leads its own process group (desktop/app-window.ts): all of its processes.
  const windowGroups = processesNaming(profileOf(app.dataDir)).map(pid => groupMembers(pid)).filter(group => group.length > 0)
  const windowProcesses = [...new Set(windowGroups.flat())]
  expect(windowProcesses.length, "the window's Chromium and its helpers run").toBeGreaterThan(1)
  await openMenu()
  await session.key('Up', 'Return')
  const exitCode = await new Promise<number | null>(resolve => {
    const child = app.process.child
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.once('exit', resolve)
  })
  expect(exitCode, 'Quit exits 0').toBe(0)
  expect(isRunning(trayPid!), 'the tray program is gone').toBe(false)
  await expect.poll(() => windowProcesses.filter(isRunning), { message: "every process of the window's Chromium is gone" }).toEqual([])
  await expect.poll(() => processesNaming(app.dataDir), { message: 'no process names the data folder (pgrep -f)' }).toEqual([])
  expect(existsSync(socket), 'the one-instance socket is gone').toBe(false)
  await expect.poll(async () => (await session.trayIcons()).length, { message: 'the icon left the tray' }).toBe(0)
})
