import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { appWindowArgs, extraBrowserArgs, findBrowser, systemOpenCommand } from '../../../desktop/app-window.ts'
import { CHROMIUM, headlessWindow } from './headless-window.ts'
import { waitFor } from '../support/polling.ts'

/** Whether any process of the group led by `pid` is alive. */
function groupAlive (pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

describe('app window', () => {
  it('finds Chromium, Chrome or Edge, or falls back to the system browser', () => {
    const have = (paths: string[]) => (path: string) => paths.includes(path)
    const linux = { platform: 'linux' as const, env: { PATH: '/usr/local/bin:/usr/bin' }, homedir: '/home/ann' }
    assert.equal(findBrowser({ ...linux, isFile: have(['/usr/bin/chromium', '/usr/bin/google-chrome']) }), '/usr/bin/chromium')
    assert.equal(findBrowser({ ...linux, isFile: have(['/usr/local/bin/google-chrome', '/usr/bin/microsoft-edge']) }), '/usr/local/bin/google-chrome')
    assert.equal(findBrowser({ ...linux, isFile: have(['/usr/bin/microsoft-edge']) }), '/usr/bin/microsoft-edge')
    assert.equal(findBrowser({ ...linux, isFile: have([]) }), undefined)
    assert.equal(findBrowser({ ...linux, env: { ...linux.env, CAIRN_DESKTOP_BROWSER: '/opt/b' }, isFile: have(['/usr/bin/chromium']) }), '/opt/b')
    assert.equal(findBrowser({ platform: 'darwin', env: {}, homedir: '/Users/ann', isFile: have(['/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge']) }),
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge')
    assert.equal(findBrowser({ platform: 'win32', env: { ProgramFiles: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, homedir: 'C:\\Users\\ann', isFile: have(['C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe']) }),
      'C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe')

    assert.deepEqual(appWindowArgs('http://127.0.0.1:47600/#s', '/data', ['--headless']),
      ['--app=http://127.0.0.1:47600/#s', '--user-data-dir=/data/window-profile', '--no-first-run', '--no-default-browser-check', '--class=Cairn', '--headless'])
    assert.deepEqual(extraBrowserArgs({ CAIRN_DESKTOP_BROWSER_ARGS: ' --headless  --remote-debugging-port=9 ' }), ['--headless', '--remote-debugging-port=9'])
    assert.deepEqual(systemOpenCommand('linux', 'http://x/'), { file: 'xdg-open', args: ['http://x/'] })
    assert.deepEqual(systemOpenCommand('darwin', 'http://x/'), { file: 'open', args: ['http://x/'] })
    assert.deepEqual(systemOpenCommand('win32', 'http://x/?a&b'), { file: 'rundll32', args: ['url.dll,FileProtocolHandler', 'http://x/?a&b'] })
  })

  it('opens Chromium on the app, keeps one window, and Quit closes its whole process group', async (t) => {
    if (!existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} is not installed (Debian: chromium)`); return }
    const { dir, origin, seen, window, dispose } = await headlessWindow('cairn-desktop-window-')
    try {
      assert.equal(window.isRunning(), false)
      await window.open(`${origin}/first`)
      await waitFor(() => seen.includes('/first'), 30_000, 'the window to load the app')
      assert.equal(window.isRunning(), true)
      assert.ok(existsSync(join(dir, 'window-profile')), 'the window has its own profile in the data folder')

      await window.open(`${origin}/second`)
      assert.equal(window.isRunning(), true, 'a second open keeps the first window')
      const pid = window.pid()
      assert.ok(pid !== undefined && groupAlive(pid))

      await window.close()
      assert.equal(window.isRunning(), false)
      await waitFor(() => !groupAlive(pid), 10_000, 'every process of the window to exit')
      await window.close()
    } finally {
      await dispose()
    }
  })
})
