import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import type { Log } from '../../../core/log.ts'
import { xdgAutostartPath } from '../../../desktop/autostart.ts'
import { startDesktopTray } from '../../../desktop/daemon/desktop-tray.ts'
import { parseDesktopArgs } from '../../../desktop/options.ts'
import type { TrayInit } from '../../../desktop/tray/tray-types.ts'
import { waitFor } from '../support/polling.ts'

const RELAY = '/ip4/127.0.0.1/tcp/4101/ws/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const quiet: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** The argv a session manager runs for an Exec value (Desktop Entry spec: string escapes, then quoting, then %%). */
function execArgv (exec: string): string[] {
  const value = exec.replace(/\\(.)/g, (_, c: string) => c === 's' ? ' ' : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c)
  const args: string[] = []
  for (const [, quoted, bare] of value.matchAll(/"((?:\\.|[^"\\])*)"|(\S+)/g)) {
    args.push((quoted !== undefined ? quoted.replace(/\\(["`$\\])/g, '$1') : bare ?? '').replaceAll('%%', '%'))
  }
  return args
}

// The tray's "Start at login" wrote a login start with no --data-dir: a user who ran Cairn on
// a folder of their own got, at the next login, another Cairn on the default folder (a new,
// empty vault, "No vault yet" in the tray), and their own did not start.
it('the tray\'s Start at login starts this same Cairn at login: its data folder, relays and share origin', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-desktop-login-'))
  try {
    const env = { XDG_CONFIG_HOME: join(dir, 'config') }
    const dataDir = join(dir, 'my "vault" on $HOME')
    let shown: TrayInit | undefined
    const tray = await startDesktopTray({
      dataDir,
      relays: [RELAY],
      shareOrigin: 'https://cairn.example.com',
      node: () => undefined,
      subscribe: () => () => {},
      openWindow: async () => {},
      quit: () => {},
      log: quiet,
      showTray: async (init) => { shown = init; return { setStatus: () => {}, stop: async () => {} } },
      autostart: { platform: 'linux', env, homedir: join(dir, 'home') }
    })
    assert.ok(tray !== undefined && shown !== undefined)
    try {
      shown.onStartAtLogin(true)
      const file = xdgAutostartPath(env, join(dir, 'home'))
      let text = ''
      await waitFor(async () => { text = await readFile(file, 'utf8').catch(() => ''); return text !== '' }, 10_000, 'the autostart entry')
      const argv = execArgv(/^Exec=(.*)$/m.exec(text)?.[1] ?? '')
      const parsed = parseDesktopArgs(argv.slice(2), {}, 'linux', '/home/ann')
      assert.equal(parsed.kind, 'run')
      if (parsed.kind !== 'run') return
      assert.equal(parsed.args.dataDir, dataDir, 'the login start opens the same data folder')
      assert.equal(parsed.args.openWindow, false, 'in the background')
      assert.deepEqual(parsed.args.relays, [RELAY])
      assert.equal(parsed.args.shareOrigin, 'https://cairn.example.com')
    } finally {
      await tray.stop()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
