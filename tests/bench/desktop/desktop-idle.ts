import { fork, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Results } from '../support/report.ts'
import { anyFreeTcpPort } from '../../../relay-server/shared/tcp-ports.ts'
import { makeVault } from './desktop-start.ts'
import type { FromDaemon } from './idle-daemon.ts'

/**
 * `desktop.idle.cpu`: the cores the idle desktop daemon uses, as a fraction
 * of one core (goal ≤ 0.01). The daemon (`startDesktop` from
 * desktop/daemon/start-desktop.ts, no window, no tray, loopback only, no
 * relays) runs as a child process on a data folder holding a vault with one
 * file (locked, as the app is after a start at login); once started it
 * settles (until a 15 s window stays under 0.01 cores, at most 120 s), then its
 * own process.cpuUsage() is read at both ends of `seconds`.
 */

const DIST_DIR = fileURLToPath(new URL('../../../dist', import.meta.url))
const IDLE_DAEMON = fileURLToPath(new URL('./idle-daemon.ts', import.meta.url))
// Measured here: for its first ~35 s a started daemon still compiles and collects its start-up
// garbage (~0.02 cores), then drops to its steady idle; a short window called that settled too early.
const SETTLE_WINDOW_MS = 15_000
const SETTLE_MAX_MS = 120_000
const SETTLED_CORES = 0.01


/** The next message of a kind from the daemon (or its failure). */
async function next<K extends FromDaemon['kind']> (child: ChildProcess, kind: K): Promise<Extract<FromDaemon, { kind: K }>> {
  return await new Promise((resolve, reject) => {
    const onMessage = (message: FromDaemon): void => {
      if (message.kind === 'failed') { cleanup(); reject(new Error(`the desktop daemon did not start: ${message.message}`)) }
      if (message.kind === kind) { cleanup(); resolve(message as Extract<FromDaemon, { kind: K }>) }
    }
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`the desktop daemon exited (code ${code})`)) }
    const cleanup = (): void => { child.off('message', onMessage); child.off('exit', onExit) }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

async function cpuMs (child: ChildProcess): Promise<number> {
  child.send({ kind: 'cpu' })
  const { usage } = await next(child, 'cpu')
  return (usage.user + usage.system) / 1000
}

/** CPU ms the daemon used over the next `ms` of wall time, in cores. */
async function coresOver (child: ChildProcess, ms: number): Promise<number> {
  const before = await cpuMs(child)
  const start = performance.now()
  // A bench of idleness: the wait is the measurement.
  await new Promise((resolve) => setTimeout(resolve, ms))
  return (await cpuMs(child) - before) / (performance.now() - start)
}

export async function measureDesktopIdle (results: Results, seconds: number): Promise<void> {
  if (!existsSync(join(DIST_DIR, 'index.html'))) console.warn('! dist/ is not built (npm run build): the daemon serves no app, which changes nothing while idle')
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-bench-idle-'))
  await makeVault(dataDir)
  const child = fork(IDLE_DAEMON, ['--data-dir', dataDir, '--port', String(await anyFreeTcpPort('127.0.0.1')), '--dist-dir', DIST_DIR], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  })
  try {
    const { origin } = await next(child, 'ready')
    const started = performance.now()
    let settling = await coresOver(child, SETTLE_WINDOW_MS)
    while (settling > SETTLED_CORES && performance.now() - started < SETTLE_MAX_MS) settling = await coresOver(child, SETTLE_WINDOW_MS)
    console.log(`- the daemon serves ${origin}; settled after ${((performance.now() - started) / 1000).toFixed(0)} s (last 15 s: ${settling.toFixed(3)} cores); measuring ${seconds} s`)
    const cores = await coresOver(child, seconds * 1000)
    results.add({ name: 'desktop.idle.cpu', value: cores, unit: 'cores' })
    console.log(`  desktop.idle.cpu: ${cores.toFixed(4)} of one core over ${seconds} s`)
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ kind: 'stop' })
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
}
