import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { delimiter, join, win32 } from 'node:path'
import { WINDOW_PROFILE_DIR } from './constants.ts'
import { prepareWindowProfile } from './window-profile.ts'
import type { CommandLine } from './autostart.ts'

/**
 * The app window (DESIGN §10): Chromium, Chrome or Edge with `--app=URL`
 * and a profile of its own in the data folder, else the system browser.
 * The window runs in its own process group, so closing it never touches
 * the daemon and a Ctrl-C in the daemon's terminal does not close it;
 * Quit closes it by killing that group.
 *
 * `CAIRN_DESKTOP_BROWSER` names the browser to use and
 * `CAIRN_DESKTOP_BROWSER_ARGS` adds flags (tests: `--headless --no-sandbox`).
 */

type Env = Readonly<Record<string, string | undefined>>

/** How long a closed window gets to exit after SIGTERM before SIGKILL. */
const CLOSE_GRACE_MS = 5_000

const LINUX_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable']

const MAC_APPS = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge']

const WINDOWS_APPS = ['Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe', 'Chromium\\Application\\chrome.exe']

/** Where a Chromium-family browser may be, in the order they are tried (after CAIRN_DESKTOP_BROWSER). */
export function browserCandidates (platform: NodeJS.Platform, env: Env, homedir: string): string[] {
  if (platform === 'darwin') return ['/Applications', join(homedir, 'Applications')].flatMap((dir) => MAC_APPS.map((app) => `${dir}/${app}`))
  if (platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter((root): root is string => root !== undefined && root !== '')
    return WINDOWS_APPS.flatMap((app) => roots.map((root) => win32.join(root, app)))
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '')
  return ['/usr/bin/chromium', ...LINUX_NAMES.flatMap((name) => dirs.map((dir) => join(dir, name))), '/snap/bin/chromium']
}

export interface FindBrowserInit {
  platform: NodeJS.Platform
  env: Env
  homedir: string
  /** Whether an executable file is at `path` (injected for tests). */
  isFile?: (path: string) => boolean
}

function isFile (path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The browser to open the app window with, or undefined when only the system browser is left. */
export function findBrowser (init: FindBrowserInit): string | undefined {
  const chosen = init.env.CAIRN_DESKTOP_BROWSER
  if (chosen !== undefined && chosen !== '') return chosen
  return browserCandidates(init.platform, init.env, init.homedir).find(init.isFile ?? isFile)
}

/** The flags of an app window on `url` with its profile in `dataDir`, then `extra`. */
export function appWindowArgs (url: string, dataDir: string, extra: readonly string[] = []): string[] {
  return [`--app=${url}`, `--user-data-dir=${join(dataDir, WINDOW_PROFILE_DIR)}`, '--no-first-run', '--no-default-browser-check', '--class=Cairn', ...extra]
}

/** `CAIRN_DESKTOP_BROWSER_ARGS` as a list (split at white space; flags need no quoting). */
export function extraBrowserArgs (env: Env): string[] {
  return (env.CAIRN_DESKTOP_BROWSER_ARGS ?? '').split(/\s+/).filter((arg) => arg !== '')
}

/** The command that opens `url` in the system's default browser. */
export function systemOpenCommand (platform: NodeJS.Platform, url: string): CommandLine {
  if (platform === 'darwin') return { file: 'open', args: [url] }
  // rundll32 rather than `cmd /c start`: cmd would read the URL's & and ^ as its own syntax.
  if (platform === 'win32') return { file: 'rundll32', args: ['url.dll,FileProtocolHandler', url] }
  return { file: 'xdg-open', args: [url] }
}

export interface AppWindowInit {
  dataDir: string
  platform?: NodeJS.Platform
  env?: Env
  homedir?: string
}

/** The app window of one daemon. */
export interface AppWindow {
  /** Opens the window on `url`, or hands `url` to the running one (Chromium passes a second launch on one profile to the first). */
  open: (url: string) => Promise<void>
  /** Whether the window process we started is still running (false for the system browser: it is not ours). */
  isRunning: () => boolean
  /** The window process's id (it leads its process group), while one was started. */
  pid: () => number | undefined
  /** Closes the window we started (its whole process group); the system browser is left alone. */
  close: () => Promise<void>
}

function killGroup (child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    if (process.platform === 'win32') execFile('taskkill', ['/pid', String(child.pid), '/T', '/F'], () => {})
    else process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

interface Launched { child: ChildProcess, exited: Promise<void>, running: boolean }

function launch (file: string, args: string[]): Launched {
  const child = spawn(file, args, { detached: true, stdio: 'ignore', windowsHide: false })
  // The daemon must be free to exit while the window stays open.
  child.unref()
  const entry: Launched = { child, exited: Promise.resolve(), running: true }
  entry.exited = new Promise<void>((resolve) => {
    child.once('exit', () => { entry.running = false; resolve() })
    child.once('error', () => { entry.running = false; resolve() })
  })
  return entry
}

/** Stops one launched browser: SIGTERM to its group, SIGKILL after the grace time. */
async function stop (entry: Launched): Promise<void> {
  if (!entry.running) return
  killGroup(entry.child, 'SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const grace = new Promise<'late'>((resolve) => { timer = setTimeout(() => { resolve('late') }, CLOSE_GRACE_MS) })
  if (await Promise.race([entry.exited.then(() => 'done' as const), grace]) === 'late') {
    killGroup(entry.child, 'SIGKILL')
    await entry.exited
  }
  clearTimeout(timer)
}

/** The app window of the daemon whose data folder is `init.dataDir`. */
export function createAppWindow (init: AppWindowInit): AppWindow {
  const platform = init.platform ?? process.platform
  const env = init.env ?? process.env
  // Every browser launch still running, oldest first. A second launch on one profile normally hands
  // its URL to the first and exits at once; one that does not (a headless test browser) is ours to stop too.
  let launched: Launched[] = []
  const running = (): Launched[] => (launched = launched.filter((entry) => entry.running))

  return {
    async open (url) {
      const browser = findBrowser({ platform, env, homedir: init.homedir ?? env.HOME ?? '' })
      if (browser === undefined) {
        // The system browser is not ours: it is neither tracked nor closed.
        const { file, args } = systemOpenCommand(platform, url)
        launch(file, args)
        return
      }
      // Only when no window runs: a running Chromium takes the URL and keeps its own preferences.
      if (running().length === 0) {
        try {
          prepareWindowProfile(join(init.dataDir, WINDOW_PROFILE_DIR))
        } catch {
          // A read-only or full disk: the window still opens; Chromium then offers to save passwords.
        }
      }
      launched = [...running(), launch(browser, appWindowArgs(url, init.dataDir, extraBrowserArgs(env)))]
    },
    isRunning: () => running().length > 0,
    pid: () => running()[0]?.child.pid,
    async close () {
      await Promise.all(running().map(stop))
    }
  }
}
