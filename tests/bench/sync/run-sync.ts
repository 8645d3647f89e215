import { cpus } from 'node:os'
import type { Results } from '../support/report.ts'
import { startMachineCpu } from '../support/thread-cpu.ts'
import { measureOpenOnDemand } from './open-on-demand.ts'
import { measureIndexJoin } from './sync-index.ts'
import { corePush, deviceSyncPush, measureLatency } from './sync-latency.ts'

/**
 * The device-sync figures (issue 10), all in run.ts's Node process: both
 * devices, the backup peer and the relay share its one JavaScript thread.
 */

export interface SyncBenchOptions {
  /** Files in the joined vault (10,000 for `sync.index.10k`). */
  files: number
  /** Repetitions of the join and of the open. */
  reps: number
  /** Uploads timed for `sync.latency`. */
  latencySamples: number
  /** Plaintext MB of the file opened on demand. */
  openMB: number
  resultsDir: string
}

export async function runSyncBench (results: Results, options: SyncBenchOptions): Promise<void> {
  console.log(`sync: a vault of ${options.files} files, ${options.reps} repetition(s); latency over ${options.latencySamples} uploads; open on demand of ${options.openMB} MB`)
  const machine = startMachineCpu()
  const ours = process.cpuUsage()
  const start = performance.now()
  await measureIndexJoin(results, { files: options.files, reps: options.reps, resultsDir: options.resultsDir })
  await measureLatency(results, options.latencySamples, deviceSyncPush())
  await measureLatency(results, options.latencySamples, corePush)
  await measureOpenOnDemand(results, { bytes: options.openMB * 1e6, reps: options.reps })
  // Others' load: the machine's busy time less this process's own (peer and relay included).
  const used = process.cpuUsage(ours)
  const oursMs = (used.user + used.system) / 1000
  const other = Math.max(0, machine().busy - oursMs) / (performance.now() - start)
  results.add({ name: 'machine.other_load.cores', value: other, unit: 'cores' })
  console.log(`  other programs kept ${other.toFixed(2)} of ${cpus().length} cores busy during the sync figures; this process ${(oursMs / (performance.now() - start)).toFixed(2)}`)
}
