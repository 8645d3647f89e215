import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { TrayStatus } from '../../../desktop/tray/tray.ts'

/** One JSON line of tray-fixture.ts: ready, open, pause, start-at-login, quit, stopped, status, error. */
export interface TrayEvent {
  event: string
  [key: string]: unknown
}

export interface TrayFixture {
  child: ChildProcess
  /** Every event so far, in order. */
  events: TrayEvent[]
  /** The first event (seen or to come) matching, after those already taken by earlier calls. */
  next: (event: string, timeoutMs?: number) => Promise<TrayEvent>
  setStatus: (status: TrayStatus) => void
  exited: Promise<number | null>
  stderr: () => string
}

/** Runs tests/e2e/support/tray-fixture.ts (startTray in a Node process of its own) with this environment. */
export function startTrayFixture (env: NodeJS.ProcessEnv): TrayFixture {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/e2e/support/tray-fixture.ts'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-20_000) })
  const exited = new Promise<number | null>(resolve => { child.once('exit', code => { resolve(code) }) })
  const events: TrayEvent[] = []
  const waiters: Array<() => void> = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line) as TrayEvent)
    for (const wake of waiters.splice(0)) wake()
  })
  let taken = 0
  const next = async (event: string, timeoutMs = 15_000): Promise<TrayEvent> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = events.findIndex((candidate, at) => at >= taken && candidate.event === event)
      if (index !== -1) {
        taken = index + 1
        return events[index]!
      }
      const left = deadline - Date.now()
      if (left <= 0 || child.exitCode !== null) {
        throw new Error(`the tray fixture reported no "${event}" (events: ${JSON.stringify(events)}; stderr: ${stderr})`)
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000))
        waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }
  return {
    child,
    events,
    next,
    setStatus: (status) => { child.stdin.write(JSON.stringify({ status }) + '\n') },
    exited,
    stderr: () => stderr
  }
}
