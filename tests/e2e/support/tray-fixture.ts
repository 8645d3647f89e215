/**
 * A stand-in daemon for the tray tests: starts the tray with startTray and
 * reports, as JSON lines on stdout, what the person did in its menu. Reads
 * `{"status": TrayStatus}` lines on stdin and shows them. Run as
 * `node --import tsx tests/e2e/support/tray-fixture.ts`.
 */
import { createInterface } from 'node:readline'
import { startTray, type TrayStatus } from '../../../desktop/tray/tray.ts'

const say = (event: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(event) + '\n') }

const status: TrayStatus = { icon: 'normal', line: 'All backed up', paused: false, startAtLogin: false }
const started = performance.now()
try {
  const tray = await startTray({
    status,
    onOpen: () => { say({ event: 'open' }) },
    onPause: (paused) => { say({ event: 'pause', paused }) },
    onStartAtLogin: (on) => { say({ event: 'start-at-login', on }) },
    onQuit: () => {
      say({ event: 'quit' })
      void tray.stop().then(() => { say({ event: 'stopped' }); process.exit(0) })
    }
  })
  say({ event: 'ready', startMs: Math.round(performance.now() - started) })
  createInterface({ input: process.stdin }).on('line', (line) => {
    const message = JSON.parse(line) as { status?: TrayStatus }
    if (message.status !== undefined) {
      tray.setStatus(message.status)
      say({ event: 'status', status: message.status })
    }
  })
} catch (err) {
  const { code, message } = err as { code?: string, message?: string }
  say({ event: 'error', code, message })
  process.exit(3)
}
