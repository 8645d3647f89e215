import { posix, win32 } from 'node:path'

/**
 * Where the desktop app keeps its data when no `--data-dir` is given: the
 * platform's per-user data folder, as Syncthing and other daemons use it.
 * A pure function of its inputs, so every platform is testable anywhere.
 */

/** The folder name under the platform's data folder (macOS and Windows capitalise it, XDG does not). */
const NAME_XDG = 'cairn'
const NAME_CAPITALISED = 'Cairn'

/**
 * The default data folder:
 * - Linux and other Unixes: `$XDG_DATA_HOME/cairn`, else `~/.local/share/cairn`
 *   (the XDG Base Directory spec says a relative XDG_DATA_HOME is invalid and must be ignored);
 * - macOS: `~/Library/Application Support/Cairn`;
 * - Windows: `%APPDATA%\Cairn`, else `<home>\AppData\Roaming\Cairn`.
 */
export function defaultDataDir (platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  if (platform === 'win32') {
    const appData = env.APPDATA
    return win32.join(appData !== undefined && appData !== '' ? appData : win32.join(homedir, 'AppData', 'Roaming'), NAME_CAPITALISED)
  }
  if (platform === 'darwin') return posix.join(homedir, 'Library', 'Application Support', NAME_CAPITALISED)
  const xdg = env.XDG_DATA_HOME
  if (xdg !== undefined && posix.isAbsolute(xdg)) return posix.join(xdg, NAME_XDG)
  return posix.join(homedir, '.local', 'share', NAME_XDG)
}
