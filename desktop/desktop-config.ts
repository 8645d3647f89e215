import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigInvalidError, StorageFailedError } from '../core/errors.ts'
import { anyFreeTcpPort, tcpPortFree } from '../relay-server/shared/tcp-ports.ts'
import { APP_PORT_SEARCH_SPAN, DESKTOP_CONFIG_FILE, PREFERRED_APP_PORT } from './constants.ts'
import { fileReadFailure } from './file-read-failure.ts'

/**
 * The desktop's own small settings file, `<dataDir>/desktop.json`: the
 * loopback port the app is served on, chosen once at the first launch and
 * kept for ever after (the window's browser storage and service worker are
 * bound to the origin, port included), and the settings the tray toggles.
 */

export interface DesktopConfig {
  /** The app's loopback port. */
  port: number
  /** Whether the app starts at login (the tray's checkbox; autostart.ts does the work). */
  startAtLogin: boolean
  /** Settings → "Accept connections from my network": the libp2p listeners bind every interface at the next start. */
  listenNetwork?: boolean
}

/** Whether `port` can be bound on `host` right now. */
export type PortProbe = (port: number) => Promise<boolean>

export function desktopConfigPath (dataDir: string): string {
  return join(dataDir, DESKTOP_CONFIG_FILE)
}

function validPort (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 65_535
}

/**
 * The saved settings, or undefined when there is no file yet. A damaged or
 * unreadable file is an error, never "none": it holds the port the window's
 * storage is bound to and the user's choices, so it is not written over.
 */
export function readDesktopConfig (dataDir: string): DesktopConfig | undefined {
  const file = desktopConfigPath(dataDir)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw unreadable(file, err)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw damaged(file, (err as Error).message)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw damaged(file, 'it holds no settings object')
  const record = parsed as Record<string, unknown>
  if (!validPort(record.port)) throw damaged(file, 'it names no valid port')
  return { port: record.port, startAtLogin: record.startAtLogin === true, ...(record.listenNetwork === true ? { listenNetwork: true } : {}) }
}

/** The file is there but cannot be read: the reason and what to do, never "damaged" (nothing may be set aside or written over). */
function unreadable (file: string, err: unknown): StorageFailedError {
  const { why, fix } = fileReadFailure(err)
  return new StorageFailedError(`Cairn cannot read ${file} (${why}). It keeps the app's port, which the window's storage is bound to, and your settings: ${fix}`, { cause: err })
}

function damaged (file: string, why: string): ConfigInvalidError {
  return new ConfigInvalidError(`${file} is damaged (${why}). It keeps the app's port, which the window's storage is bound to, and your settings: repair it, or move it away to start with new ones`)
}

/** Saves the settings whole: a temp file, then a rename, so a crash never leaves half a file. */
export function writeDesktopConfig (dataDir: string, config: DesktopConfig): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = desktopConfigPath(dataDir)
  const temp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(temp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 })
    renameSync(temp, file)
  } catch (err) {
    rmSync(temp, { force: true })
    throw err
  }
}

/** A probe that binds `port` on `host` for a moment. */
export function probeOn (host: string): PortProbe {
  return async (port) => await tcpPortFree(host, port)
}

/** The first free port from `preferred` upward (within the span), else one the system hands out. */
export async function pickAppPort (probe: PortProbe, host = '127.0.0.1', preferred = PREFERRED_APP_PORT): Promise<number> {
  for (let port = preferred; port < preferred + APP_PORT_SEARCH_SPAN && port <= 65_535; port++) {
    if (await probe(port)) return port
  }
  return await anyFreeTcpPort(host)
}

export interface LoadDesktopConfigInit {
  /** The port to choose at a first launch (`--port`); without it one is picked. */
  port?: number
  probe?: PortProbe
  preferredPort?: number
}

/**
 * The settings of `dataDir`, made and saved at the first launch (the port
 * picked then is kept for ever after; a later `--port` does not move it).
 */
export async function loadDesktopConfig (dataDir: string, init: LoadDesktopConfigInit = {}): Promise<DesktopConfig> {
  const saved = readDesktopConfig(dataDir)
  if (saved !== undefined) return saved
  const port = init.port ?? await pickAppPort(init.probe ?? probeOn('127.0.0.1'), '127.0.0.1', init.preferredPort)
  const config: DesktopConfig = { port, startAtLogin: false }
  writeDesktopConfig(dataDir, config)
  return config
}

/** Changes some settings and saves them (e.g. the tray's Start at login). */
export function updateDesktopConfig (dataDir: string, change: Partial<DesktopConfig>): DesktopConfig {
  const saved = readDesktopConfig(dataDir)
  if (saved === undefined) throw new StorageFailedError(`no desktop settings in ${dataDir} yet (loadDesktopConfig makes them)`)
  const next = { ...saved, ...change }
  writeDesktopConfig(dataDir, next)
  return next
}
