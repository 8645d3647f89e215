import { copyFile, chmod, mkdir, rename, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { TrayUnavailableError } from '../../core/errors.ts'
import { appIndicatorShim } from './tray-library.ts'

/** How to run systray2's prebuilt tray program on this machine. */
export interface TrayCommand {
  command: string
  args?: string[]
  env: NodeJS.ProcessEnv
}

// systray2 ships one x86-64 program per platform (macOS runs it under Rosetta).
const PROGRAMS: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'tray_linux_release',
  darwin: 'tray_darwin_release',
  win32: 'tray_windows_release.exe'
}

/** A folder of the user's own for things Cairn can rebuild (the platform's cache folder). */
export function userCacheDir (platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Cairn', 'Cache')
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'Cairn')
  const xdg = env.XDG_CACHE_HOME
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.cache'), 'cairn')
}

async function sameSize (a: string, b: string): Promise<boolean> {
  try {
    return (await stat(a)).size === (await stat(b)).size
  } catch {
    return false
  }
}

/**
 * Copies systray2's program into a folder of ours and sets its run bit
 * (npm ships it without one, and node_modules may be read-only, as in the
 * .deb), then adds what the program needs to find its libraries.
 */
export async function prepareTrayCommand (cacheDir = userCacheDir(), platform: NodeJS.Platform = process.platform): Promise<TrayCommand> {
  const program = PROGRAMS[platform]
  if (program === undefined || (platform === 'linux' && process.arch !== 'x64')) {
    throw new TrayUnavailableError(`no tray program for ${platform}-${process.arch}`)
  }
  const require = createRequire(import.meta.url)
  const packageJson = require.resolve('systray2/package.json')
  const { version } = require(packageJson) as { version: string }
  const source = join(dirname(packageJson), 'traybin', program)
  const folder = join(cacheDir, 'tray', version)
  const command = join(folder, program)
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 })
    if (!await sameSize(source, command)) {
      // Copy then rename, so a half-written program is never run.
      const partial = `${command}.${process.pid}.partial`
      await copyFile(source, partial)
      await chmod(partial, 0o755)
      await rename(partial, command)
    }
    await chmod(command, 0o755)
  } catch (err) {
    throw new TrayUnavailableError(`could not make the tray program runnable in ${folder}`, { cause: err })
  }
  const env: NodeJS.ProcessEnv = { ...process.env }
  if (platform === 'linux') {
    const shim = await appIndicatorShim(join(folder, 'lib'))
    if (shim !== undefined) env.LD_LIBRARY_PATH = [shim, env.LD_LIBRARY_PATH].filter(part => part !== undefined && part !== '').join(':')
  }
  return { command, env }
}
