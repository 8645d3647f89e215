import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import { freePort } from './backup-servers.ts'
import { startServerProcess, type ServerProcess } from './server-process.ts'
import { chromiumLaunchOptions } from './browser.ts'
import { waitFor } from '../../unit/support/polling.ts'

export const DESKTOP_BIN = 'desktop/bin/cairn-desktop.js'
/** The line `cairn-desktop` prints on stdout once it serves the app (desktop/main.ts). */
export const DESKTOP_READY = 'CAIRN_DESKTOP_READY'

export interface DesktopReady { origin: string, pid: number }

export interface DesktopApp {
  process: ServerProcess<DesktopReady>
  dataDir: string
  port: number
  origin: string
  /** Attaches to the app window the daemon opened (over the window's DevTools port) and gives its page. */
  windowPage: () => Promise<{ page: Page, browser: Browser }>
  /** Stops the daemon (SIGTERM) and removes the data folder unless the caller owns it. */
  dispose: () => Promise<void>
}

export interface DesktopAppOptions {
  dataDir?: string
  port?: number
  /** Open the app window at start (default true). */
  window?: boolean
  /** The environment of the daemon (an Xvfb session's DISPLAY; none means a headless window). */
  env?: Record<string, string>
  /** More command-line options. */
  args?: string[]
}

/**
 * Starts the real `cairn-desktop` as a child process on a free loopback port
 * and its own data folder. Its app window is Debian's Chromium (or
 * Playwright's), started by the daemon itself with a DevTools port the test
 * attaches to: the window is the one a user gets, only remote-controlled.
 */
export async function startDesktopApp (options: DesktopAppOptions = {}): Promise<DesktopApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cairn-desktop-'))
  const port = options.port ?? await freePort()
  const headed = options.env?.DISPLAY !== undefined
  const launch = chromiumLaunchOptions()
  const browserArgs = [
    '--remote-debugging-port=0', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ...(headed ? [] : ['--headless'])
  ]
  const browserPath = launch.executablePath ?? chromium.executablePath()
  const env = {
    ...options.env,
    CAIRN_DESKTOP_BROWSER: browserPath,
    CAIRN_DESKTOP_BROWSER_ARGS: browserArgs.join(' '),
    // Never the user's own autostart folder.
    XDG_CONFIG_HOME: join(dataDir, 'xdg-config')
  }
  // A window of an earlier run on this data folder left its port's file: wait for this window's own.
  rmSync(join(dataDir, 'window-profile', 'DevToolsActivePort'), { force: true })
  const args = ['--data-dir', dataDir, '--port', String(port), ...(options.window === false ? ['--no-window'] : []), ...(options.args ?? [])]
  const proc = await startServerProcess<DesktopReady>(DESKTOP_BIN, args, DESKTOP_READY, 60_000, env)
  let browser: Browser | undefined
  return {
    process: proc,
    dataDir,
    port,
    origin: proc.ready.origin,
    windowPage: async () => {
      const page = await attachToWindow(dataDir, proc.ready.origin, (b) => { browser = b })
      return page
    },
    dispose: async () => {
      await browser?.close().catch(() => {})
      await proc.stop()
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** The app window's DevTools port, from the file Chromium writes into its profile. */
export function windowDevtoolsPort (dataDir: string): number | undefined {
  const file = join(dataDir, 'window-profile', 'DevToolsActivePort')
  if (!existsSync(file)) return undefined
  const port = Number(readFileSync(file, 'utf8').split('\n')[0])
  return Number.isInteger(port) && port > 0 ? port : undefined
}

async function attachToWindow (dataDir: string, origin: string, keep: (browser: Browser) => void): Promise<{ page: Page, browser: Browser }> {
  await waitFor(() => windowDevtoolsPort(dataDir) !== undefined, 30_000, 'the app window to open')
  const endpoint = `http://127.0.0.1:${windowDevtoolsPort(dataDir)}`
  // A busy machine once left the first DevTools handshake unanswered for 30 s (the window was up): try a fresh connection once.
  const browser = await chromium.connectOverCDP(endpoint).catch(async () => await chromium.connectOverCDP(endpoint))
  keep(browser)
  let page: Page | undefined
  await waitFor(() => {
    page = browser.contexts().flatMap(c => c.pages()).find(p => p.url().startsWith(origin))
    return page !== undefined
  }, 30_000, 'the app window to show the app')
  return { page: page as Page, browser }
}
