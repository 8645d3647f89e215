import { strict as assert } from 'node:assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startTrayWith, type TrayStatus } from '../../../desktop/tray/tray.ts'
import type { TrayCommand } from '../../../desktop/tray/tray-binary.ts'
import { startTrayProcess } from '../../../desktop/tray/tray-process.ts'
import { waitFor } from '../support/polling.ts'

const FAKE = fileURLToPath(new URL('../support/fake-tray-program.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'cairn-tray-test-'))
after(() => { rmSync(dir, { recursive: true, force: true }) })

const status: TrayStatus = { icon: 'normal', line: 'All backed up', paused: false, startAtLogin: false }
const display = { DISPLAY: ':1' }
let runs = 0

/** The fake tray program, with its own log of what it was sent. */
function fake (mode: string, clicks: number[] = []): { command: () => Promise<TrayCommand>, sent: () => Array<Record<string, unknown>> } {
  const log = join(dir, `sent-${++runs}.jsonl`)
  const env = { ...process.env, FAKE_TRAY_MODE: mode, FAKE_TRAY_LOG: log, FAKE_TRAY_CLICKS: clicks.join(',') }
  return {
    command: async () => ({ command: process.execPath, args: ['--import', 'tsx', FAKE], env }),
    sent: () => {
      try {
        return readFileSync(log, 'utf8').trim().split('\n').map(line => JSON.parse(line) as Record<string, unknown>)
      } catch {
        return []
      }
    }
  }
}

const noop = (): void => {}
const callbacks = { onOpen: noop, onQuit: noop, onPause: noop, onStartAtLogin: noop }

describe('startTray', () => {
  it('hands the program the menu, reports clicks, ticks the boxes and ends the program on stop', async () => {
    const program = fake('normal', [1, 4, 4, 5, 7])
    const heard: string[] = []
    const tray = await startTrayWith({
      status,
      onOpen: () => { heard.push('open') },
      onQuit: () => { heard.push('quit') },
      onPause: (paused) => { heard.push(`pause ${paused}`) },
      onStartAtLogin: (on) => { heard.push(`login ${on}`) }
    }, { command: program.command, env: display })
    await waitFor(() => heard.length === 5, 10_000, 'five clicks')
    assert.deepEqual(heard, ['open', 'pause true', 'pause false', 'login true', 'quit'])
    await waitFor(() => program.sent().length === 4, 10_000, 'the menu and three updates to reach the program')

    const [menu, ...updates] = program.sent()
    const items = (menu?.items ?? []) as Array<{ __id: number, title: string, enabled: boolean, hidden: boolean }>
    assert.deepEqual(items.map(item => item.title), ['Open Cairn', 'All backed up', '', '☐ Pause syncing', '☐ Start at login', '<SEPARATOR>', 'Quit'])
    assert.equal(items[1]?.enabled, false)
    assert.deepEqual(items.map(item => item.hidden), [false, false, true, false, false, false, false], 'no folder synced: its line is hidden')
    assert.equal(typeof menu?.icon, 'string')
    assert.deepEqual(updates.map(update => (update.item as { title: string }).title), ['☑ Pause syncing', '☐ Pause syncing', '☑ Start at login'])

    tray.setStatus({ icon: 'error', line: 'Offline', paused: false, startAtLogin: true })
    await waitFor(() => program.sent().length === 6, 10_000, 'the status update')
    const [iconUpdate, lineUpdate] = program.sent().slice(4)
    assert.equal(iconUpdate?.type, 'update-menu')
    assert.notEqual((iconUpdate?.menu as { icon: string }).icon, menu?.icon)
    assert.equal((lineUpdate?.item as { title: string }).title, 'Offline')

    await tray.stop()
    assert.equal(program.sent().at(-1)?.type, 'exit')
    await tray.stop() // twice is fine
  })

  it('rejects with TRAY_UNAVAILABLE, saying why, when the program cannot start', async () => {
    await assert.rejects(startTrayWith({ ...callbacks, status }, { command: fake('die').command, env: display }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'TRAY_UNAVAILABLE')
      assert.match(err.message, /exit code 127.*libappindicator3\.so\.1/)
      return true
    })
    await assert.rejects(startTrayWith({ ...callbacks, status }, { command: fake('silent').command, env: display, readyTimeoutMs: 1_500 }),
      { code: 'TRAY_UNAVAILABLE', message: /not ready within 1500 ms/ })
    await assert.rejects(startTrayWith({ ...callbacks, status }, { command: async () => ({ command: join(dir, 'no-such-program'), env: {} }), env: display }),
      { code: 'TRAY_UNAVAILABLE', message: /could not start/ })
  })

  it('rejects with TRAY_UNAVAILABLE without a display, before running anything', async () => {
    let ran = false
    const command = async (): Promise<TrayCommand> => { ran = true; return await fake('normal').command() }
    await assert.rejects(startTrayWith({ ...callbacks, status }, { command, env: {} }), { code: 'TRAY_UNAVAILABLE', message: /no display/ })
    assert.equal(ran, false)
  })

  it('stop() escalates to SIGTERM and SIGKILL when the program ignores exit', async () => {
    const program = fake('deaf')
    const tray = await startTrayProcess({ ...await program.command(), menu: { icon: '', title: '', tooltip: '', items: [] }, graceMs: 200 })
    await tray.stop()
    assert.throws(() => process.kill(tray.pid, 0), { code: 'ESRCH' })
  })
})
