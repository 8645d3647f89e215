import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { LAUNCH_PAGE_DIR, writeLaunchPage } from '../../../desktop/launch-page.ts'
import { LAUNCH_TOKEN_TTL_MS } from '../../../desktop/server/launch-secret.ts'
import { waitFor } from '../support/polling.ts'
import { CHROMIUM, headlessWindow } from './headless-window.ts'


/** Every process's arguments that mention `text` (any local user can read them). */
function argumentsMentioning (text: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (args.includes(text)) found.push(`${pid}: ${args.replaceAll('\0', ' ').slice(0, 200)}`)
    } catch {
      // Gone meanwhile.
    }
  }
  return found
}

describe('the window\'s launch page', () => {
  it('is a file only this user can read, sends the window on, and old pages are removed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-launch-page-'))
    try {
      const url = 'http://127.0.0.1:47600/?launch=abc_DEF-123&x="<y>'
      const page = fileURLToPath(writeLaunchPage(dir, url))
      assert.equal(dirname(page), join(dir, LAUNCH_PAGE_DIR))
      assert.equal(statSync(page).mode & 0o777, 0o600)
      assert.equal(statSync(dirname(page)).mode & 0o777, 0o700)
      const html = readFileSync(page, 'utf8')
      assert.match(html, /content="0;url=http:\/\/127\.0\.0\.1:47600\/\?launch=abc_DEF-123&amp;x=&quot;&lt;y&gt;"/)
      // A page older than a token lives is removed at the next opening.
      const later = writeLaunchPage(dir, url, Date.now() + LAUNCH_TOKEN_TTL_MS + 1000)
      assert.equal(existsSync(page), false)
      assert.ok(existsSync(fileURLToPath(later)))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('takes a real Chromium window to the app with the token in no process\'s arguments', async (t) => {
    if (!existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} is not installed (Debian: chromium)`); return }
    const { dir, origin, seen, window, dispose } = await headlessWindow('cairn-launch-window-')
    const token = `t0ken${Date.now()}`
    try {
      await window.open(writeLaunchPage(dir, `${origin}/?launch=${token}`))
      await waitFor(() => seen.includes(`/?launch=${token}`), 30_000, 'the window to load the app through the page')
      assert.deepEqual(argumentsMentioning(token), [])
    } finally {
      await dispose()
    }
  })
})
