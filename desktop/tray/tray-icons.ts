import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { appPath } from '../app-root.ts'
import type { TrayIconName } from './tray-types.ts'

/** Where an icon lives: desktop/assets/tray-<name>.png (.ico on Windows, which wants that format). */
export function trayIconUrl (name: TrayIconName, platform: NodeJS.Platform = process.platform): URL {
  return pathToFileURL(appPath('desktop', 'assets', `tray-${name}.${platform === 'win32' ? 'ico' : 'png'}`))
}

/** The three icons as the tray program takes them: base64 of the file. */
export async function loadTrayIcons (platform: NodeJS.Platform = process.platform): Promise<Record<TrayIconName, string>> {
  const read = async (name: TrayIconName): Promise<string> => (await readFile(trayIconUrl(name, platform))).toString('base64')
  const [normal, busy, error] = await Promise.all([read('normal'), read('busy'), read('error')])
  return { normal, busy, error }
}
