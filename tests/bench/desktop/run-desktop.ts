import { cpus, tmpdir } from 'node:os'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Results } from '../support/report.ts'
import { startMachineCpu } from '../support/thread-cpu.ts'
import { measureDesktopAdd } from './desktop-add.ts'
import { measureDesktopIdle } from './desktop-idle.ts'
import { measureDesktopStart } from './desktop-start.ts'

/**
 * The desktop app's figures (issue 11): the add runs in run.ts's process as
 * the daemon runs it; the idle daemon and the launched app run as child
 * processes of their own.
 */

export interface DesktopBenchOptions {
  /** MiB of the added file (1024 for `desktop.add.*.1GiB`). */
  sizeMiB: number
  /** Repetitions of the add and of the start. */
  reps: number
  /** Seconds the idle daemon is watched for `desktop.idle.cpu` (60 for the goal). */
  idleSeconds: number
  /** Where the CPU profile of the first encrypted add goes. */
  resultsDir: string
}

export async function runDesktopBench (results: Results, options: DesktopBenchOptions): Promise<void> {
  console.log(`desktop: add of a ${options.sizeMiB} MiB file, ${options.reps} repetition(s); the idle daemon over ${options.idleSeconds} s`)
  const scratch = mkdtempSync(join(tmpdir(), 'cairn-bench-desktop-'))
  const machine = startMachineCpu()
  const ours = process.cpuUsage()
  const start = performance.now()
  try {
    await measureDesktopAdd(results, { sizeMiB: options.sizeMiB, reps: options.reps, scratch, profilePath: join(options.resultsDir, 'desktop-add.cpuprofile') })
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  // Others' load: the machine's busy time less this process's own.
  const used = process.cpuUsage(ours)
  const oursMs = (used.user + used.system) / 1000
  const other = Math.max(0, machine().busy - oursMs) / (performance.now() - start)
  results.add({ name: 'machine.other_load.cores', value: other, unit: 'cores' })
  console.log(`  other programs kept ${other.toFixed(2)} of ${cpus().length} cores busy during the desktop add; this process ${(oursMs / (performance.now() - start)).toFixed(2)}`)
  await measureDesktopIdle(results, options.idleSeconds)
  await measureDesktopStart(results, options.reps)
}
