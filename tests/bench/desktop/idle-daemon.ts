import { parseArgs } from 'node:util'
import { startDesktop } from '../../../desktop/daemon/start-desktop.ts'
import type { RunningDesktop } from '../../../desktop/daemon/desktop-types.ts'

/**
 * The desktop daemon alone, for `desktop.idle.cpu` (desktop-idle.ts starts
 * it as a child process): `startDesktop` without window, tray or network
 * listener, on the data folder it is given. Talks to its parent over IPC:
 * `ready` once started; answers `cpu` with its own process.cpuUsage(); `stop` quits.
 */

type FromParent = { kind: 'cpu' } | { kind: 'stop' }
export type FromDaemon = { kind: 'ready', origin: string } | { kind: 'cpu', usage: NodeJS.CpuUsage } | { kind: 'failed', message: string }

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, 'dist-dir': { type: 'string' } } })
const send = (message: FromDaemon): void => { process.send?.(message) }

let desktop: RunningDesktop
try {
  desktop = await startDesktop({
    dataDir: values['data-dir'] ?? '',
    port: Number(values.port),
    openWindow: false,
    tray: false,
    listenNetwork: false,
    distDir: values['dist-dir'] ?? 'dist',
    relays: []
  })
} catch (err) {
  send({ kind: 'failed', message: err instanceof Error ? err.message : String(err) })
  process.exit(1)
}
process.on('message', (message: FromParent) => {
  if (message.kind === 'cpu') send({ kind: 'cpu', usage: process.cpuUsage() })
  else void desktop.stop().finally(() => { process.exit(0) })
})
send({ kind: 'ready', origin: desktop.origin })
