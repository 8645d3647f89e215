import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { TrayUnavailableError } from '../../core/errors.ts'

/** The name systray2's Linux program links against (Ubuntu's libappindicator). */
export const APPINDICATOR = 'libappindicator3.so.1'
/** Debian's maintained fork, same ABI (DESIGN §10). */
export const AYATANA_APPINDICATOR = 'libayatana-appindicator3.so.1'

// Where Debian, Ubuntu and Fedora keep x86-64 libraries, for machines without ldconfig.
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/usr/local/lib']

/**
 * The path `ldconfig -p` gives for a library name, for the x86-64 ABI (the
 * only Linux build systray2 ships). Lines look like
 * `\tlibfoo.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libfoo.so.1`.
 */
export function findInLdconfig (listing: string, name: string): string | undefined {
  for (const line of listing.split('\n')) {
    const match = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S.*)$/.exec(line)
    if (match?.[1] === name && match[2]?.includes('x86-64') === true) return match[3]?.trim()
  }
  return undefined
}

async function ldconfigListing (): Promise<string> {
  for (const command of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      const { stdout } = await promisify(execFile)(command, ['-p'], { maxBuffer: 16 * 1024 * 1024 })
      return stdout
    } catch {
      // not there: try the next, then the usual folders
    }
  }
  return ''
}

/** Where a shared library is on this machine: ldconfig's cache, else the usual folders. */
export type LibraryFinder = (name: string) => Promise<string | undefined>

async function systemLibraries (): Promise<LibraryFinder> {
  const listing = await ldconfigListing()
  return async (name) => findInLdconfig(listing, name) ?? LIBRARY_DIRS.map(dir => join(dir, name)).find(path => existsSync(path))
}

/**
 * Makes sure the tray program finds an app-indicator library: Debian ships
 * only libayatana-appindicator3, so a folder of ours holds a link to it under
 * the old name, to be put on LD_LIBRARY_PATH. Returns that folder, or
 * undefined when the old library itself is installed.
 */
export async function appIndicatorShim (folder: string, find?: LibraryFinder): Promise<string | undefined> {
  find ??= await systemLibraries()
  const ayatana = await find(AYATANA_APPINDICATOR)
  if (ayatana === undefined) {
    if (await find(APPINDICATOR) !== undefined) return undefined
    throw new TrayUnavailableError(`the tray needs ${AYATANA_APPINDICATOR} (Debian and Ubuntu: apt install libayatana-appindicator3-1)`)
  }
  await mkdir(folder, { recursive: true, mode: 0o700 }).catch((err: unknown) => { throw new TrayUnavailableError(`could not make ${folder}`, { cause: err }) })
  const link = join(folder, APPINDICATOR)
  // Made afresh each start: an upgrade may have moved the library.
  await rm(link, { force: true })
  try {
    await symlink(ayatana, link)
  } catch (err) {
    // Another Cairn starting at the same moment made it: same target.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new TrayUnavailableError(`could not link ${AYATANA_APPINDICATOR} in ${folder}`, { cause: err })
  }
  return folder
}
