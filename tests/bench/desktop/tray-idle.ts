/**
 * `tsx tests/bench/desktop/tray-idle.ts [seconds]`: the tray's start time
 * (startTray until the program is ready, with the program's first copy into
 * an empty cache, then warm) and the CPU the idle tray program uses, as a
 * fraction of one core, under Xvfb with trayer. JSON lines on stdout.
 * Measures and prints; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTrayFixture } from '../../e2e/support/tray-fixture-process.ts'
import { childPids, cpuSeconds, startXSession, xSessionUnavailable } from '../../e2e/support/xvfb-session.ts'

export interface TrayIdleResult { startColdMs: number, startWarmMs: number, idleCpu: number, fixtureIdleCpu: number }

export async function measureTrayIdle (seconds = 30): Promise<TrayIdleResult> {
  const session = await startXSession()
  const cache = mkdtempSync(join(tmpdir(), 'cairn-tray-bench-'))
  try {
    const env = { ...session.env, XDG_CACHE_HOME: cache }
    const cold = startTrayFixture(env)
    const startColdMs = Number((await cold.next('ready')).startMs)
    cold.child.kill('SIGTERM')
    await cold.exited
    const warm = startTrayFixture(env)
    const startWarmMs = Number((await warm.next('ready')).startMs)
    const [tray] = childPids(warm.child.pid!)
    if (tray === undefined) throw new Error('no tray program under the fixture')
    const before = [cpuSeconds(tray), cpuSeconds(warm.child.pid!)] as const
    await sleep(seconds * 1000) // the measurement itself: idle time
    const idleCpu = (cpuSeconds(tray) - before[0]) / seconds
    const fixtureIdleCpu = (cpuSeconds(warm.child.pid!) - before[1]) / seconds
    warm.child.kill('SIGTERM')
    await warm.exited
    return { startColdMs, startWarmMs, idleCpu, fixtureIdleCpu }
  } finally {
    await session.stop()
    rmSync(cache, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const unavailable = xSessionUnavailable()
  if (unavailable !== undefined) throw new Error(unavailable)
  const result = await measureTrayIdle(Number(process.argv[2] ?? 30))
  const line = (name: string, value: number, unit: string): void => { console.log(JSON.stringify({ name, value, unit })) }
  line('desktop.tray.start.cold', result.startColdMs, 'ms')
  line('desktop.tray.start', result.startWarmMs, 'ms')
  line('desktop.tray.idle.cpu', Number(result.idleCpu.toFixed(5)), 'cores')
  line('desktop.tray.idle.cpu.host', Number(result.fixtureIdleCpu.toFixed(5)), 'cores')
}
