import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { escapeMarkup } from '../core/escape-markup.ts'
import { LAUNCH_TOKEN_TTL_MS } from './server/launch-secret.ts'

/** The folder of the data folder that holds launch pages: the user's alone. */
export const LAUNCH_PAGE_DIR = 'launch'

/**
 * A one-use page that sends the window on to `url` (which carries a launch
 * token), as a file:// URL to open instead. A process's arguments are
 * readable by every local user (/proc/<pid>/cmdline), so a token there could
 * be redeemed by another account before the window loads it; the page is a
 * file only this user can read (0600 in a 0700 folder), removed once the
 * token it holds has expired. Pages left by a crash are removed here too.
 */
export function writeLaunchPage (dataDir: string, url: string, now = Date.now()): string {
  const dir = join(dataDir, LAUNCH_PAGE_DIR)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    try {
      if (now - statSync(path).mtimeMs > LAUNCH_TOKEN_TTL_MS) rmSync(path, { force: true })
    } catch {
      // Removed meanwhile by another opening.
    }
  }
  const file = join(dir, `open-${randomBytes(12).toString('hex')}.html`)
  const target = escapeMarkup(url)
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Cairn</title><meta http-equiv="refresh" content="0;url=${target}"><a href="${target}">Open Cairn</a>\n`, { mode: 0o600, flag: 'wx' })
  setTimeout(() => { rmSync(file, { force: true }) }, LAUNCH_TOKEN_TTL_MS).unref()
  return pathToFileURL(file).href
}
