import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { parseWindowTree, trayerIcons, type XWindow } from './x-window-tree.ts'

export type { XWindow } from './x-window-tree.ts'

/**
 * A private X desktop for desktop-app tests: a fresh Xvfb on a display it
 * picks itself (`-displayfd`), a D-Bus session bus, and trayer as the tray
 * host, with xdotool for input and ImageMagick's `import` for screenshots.
 * It stops only the processes it started.
 */
export interface XSession {
  /** ':N', the display Xvfb chose. */
  display: string
  /** process.env plus DISPLAY and DBUS_SESSION_BUS_ADDRESS, for child processes to run on this desktop. */
  env: NodeJS.ProcessEnv
  /** The processes the session started (Xvfb, dbus-daemon, trayer). */
  pids: () => number[]
  /** The window tree as it is now. */
  windows: () => Promise<XWindow>
  /** The program windows embedded in trayer (tray icons), with their screen positions. */
  trayIcons: () => Promise<XWindow[]>
  /** The top-level windows that are mapped and viewable now (a popup menu is one). */
  visibleWindows: () => Promise<XWindow[]>
  /** A PNG of the whole screen. */
  screenshot: (path: string) => Promise<void>
  /** Moves the pointer there and clicks (1 left, 2 middle, 3 right). */
  click: (x: number, y: number, button?: number) => Promise<void>
  /** xdotool key names: 'Down', 'Return', 'Escape', 'ctrl+q', … */
  key: (...keys: string[]) => Promise<void>
  /** Runs xdotool with these arguments on this display; its stdout. */
  xdotool: (...args: string[]) => Promise<string>
  stop: () => Promise<void>
}

/** What the session runs, and the Debian package each comes from. */
export const X_TOOLS: Record<string, string> = {
  Xvfb: 'xvfb',
  'dbus-daemon': 'dbus-daemon (with dbus-x11)',
  trayer: 'trayer',
  xdotool: 'xdotool',
  xwininfo: 'x11-utils',
  import: 'imagemagick',
  convert: 'imagemagick'
}

function onPath (name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** Why desktop tests cannot run here, or undefined when they can: for `test.skip`. */
export function xSessionUnavailable (): string | undefined {
  if (process.platform !== 'linux') return 'desktop tests run under Xvfb, on Linux only'
  const missing = Object.keys(X_TOOLS).filter(name => !onPath(name))
  if (missing.length === 0) return undefined
  return `needs ${missing.join(', ')} (Debian: apt install ${[...new Set(missing.map(name => X_TOOLS[name]))].join(' ')})`
}

const run = promisify(execFile)

async function waitFor<T> (check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** The first line a child prints on one of its pipes. */
async function firstLine (child: ChildProcess, stream: NodeJS.ReadableStream, what: string): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: stream })
    lines.once('line', (line) => { lines.close(); resolve(line.trim()) })
    child.once('exit', (code) => { reject(new Error(`${what} exited (${code}) before it printed its address`)) })
    child.once('error', reject)
  })
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => { child.once('exit', () => { resolve() }) })
  child.kill('SIGTERM')
  const kill = setTimeout(() => { child.kill('SIGKILL') }, 5_000)
  await exited
  clearTimeout(kill)
}

/** Whether a process is alive (a zombie is not: it only waits to be reaped). */
export function isRunning (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** CPU time a process has used so far, user and system, in seconds (Linux /proc; USER_HZ is 100). */
export function cpuSeconds (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the name: state is field 3, utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** The PIDs of a process's children (Linux /proc). */
export function childPids (pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    return tasks === '' ? [] : tasks.split(/\s+/).map(Number)
  } catch {
    return []
  }
}

/** Starts Xvfb, a session bus and trayer; resolves once trayer's panel is on the screen. */
export async function startXSession (init: { width?: number, height?: number } = {}): Promise<XSession> {
  const { width = 1024, height = 768 } = init
  const started: ChildProcess[] = []
  const stop = async (): Promise<void> => {
    for (const child of [...started].reverse()) await stopChild(child)
  }
  try {
    // -displayfd: Xvfb takes a free display number and writes it on fd 3.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] })
    started.push(xvfb)
    const display = `:${await firstLine(xvfb, xvfb.stdio[3] as NodeJS.ReadableStream, 'Xvfb')}`

    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISPLAY: display } })
    started.push(bus)
    const address = await firstLine(bus, bus.stdout!, 'dbus-daemon')

    // NO_AT_BRIDGE: GTK would start the accessibility bus (at-spi), processes that are not under test.
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: address, GDK_BACKEND: 'x11', NO_AT_BRIDGE: '1' }
    // A laptop's own Wayland desktop must not receive the test's windows.
    delete env.WAYLAND_DISPLAY
    const tray = spawn('trayer', ['--edge', 'top', '--align', 'right', '--widthtype', 'request', '--height', '32',
      '--SetDockType', 'true', '--transparent', 'false', '--tint', '0xffffff'], { stdio: ['ignore', 'ignore', 'pipe'], env })
    started.push(tray)

    const xdotool = async (...args: string[]): Promise<string> => (await run('xdotool', args, { env })).stdout
    const windows = async (): Promise<XWindow> => parseWindowTree((await run('xwininfo', ['-root', '-tree'], { env, maxBuffer: 16 * 1024 * 1024 })).stdout)
    const viewable = async (window: XWindow): Promise<boolean> => {
      try {
        return /Map State: IsViewable/.test((await run('xwininfo', ['-id', window.id], { env })).stdout)
      } catch {
        return false // gone meanwhile
      }
    }
    await waitFor(async () => (await windows()).children.find(window => window.className === 'trayer' && window.instance === 'panel'), 'trayer\'s panel')

    return {
      display,
      env,
      pids: () => started.map(child => child.pid ?? -1),
      windows,
      trayIcons: async () => trayerIcons(await windows()),
      visibleWindows: async () => {
        const top = (await windows()).children.filter(window => window.width > 1 && window.height > 1)
        const shown = await Promise.all(top.map(viewable))
        return top.filter((_, index) => shown[index])
      },
      screenshot: async (path) => { await run('import', ['-window', 'root', path], { env }) },
      click: async (x, y, button = 1) => { await xdotool('mousemove', String(x), String(y), 'click', String(button)) },
      key: async (...keys) => { await xdotool('key', ...keys) },
      xdotool,
      stop
    }
  } catch (err) {
    await stop()
    throw err
  }
}

export interface ScreenArea { x: number, y: number, width: number, height: number }

/** A screenshot's pixels inside a rectangle, as raw RGB bytes (ImageMagick crops it). */
export async function cropPixels (file: string, area: ScreenArea): Promise<Buffer> {
  const crop = `${area.width}x${area.height}+${area.x}+${area.y}`
  return (await run('convert', [file, '-crop', crop, '+repage', '-depth', '8', 'rgb:-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })).stdout
}

/** How many pixels differ between two screenshots inside a rectangle (a menu that opened changes its area). */
export async function pixelsChanged (before: string, after: string, area: ScreenArea): Promise<number> {
  const [a, b] = await Promise.all([cropPixels(before, area), cropPixels(after, area)])
  let changed = 0
  for (let offset = 0; offset + 2 < Math.min(a.length, b.length); offset += 3) {
    if (a[offset] !== b[offset] || a[offset + 1] !== b[offset + 1] || a[offset + 2] !== b[offset + 2]) changed++
  }
  return changed + Math.abs(a.length - b.length) / 3
}

/** How many pixels inside a rectangle are within `tolerance` (per channel) of a colour such as 0x2f6b5e. */
export async function pixelsOfColour (file: string, area: ScreenArea, colour: number, tolerance = 24): Promise<number> {
  const pixels = await cropPixels(file, area)
  const want = [(colour >> 16) & 255, (colour >> 8) & 255, colour & 255]
  let count = 0
  for (let offset = 0; offset + 2 < pixels.length; offset += 3) {
    if (want.every((value, channel) => Math.abs(pixels[offset + channel]! - value) <= tolerance)) count++
  }
  return count
}
