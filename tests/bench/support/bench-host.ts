import { mkdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import type { HostRequest } from '../browser/protocol.ts'
import type { ReplicationPath } from '../browser/replicate-device.ts'
import { startCpuProfile, stopCpuProfile } from './cpu-profile.ts'
import type { Results } from './report.ts'
import { startMachineCpu, startThreadCpu, type MachineCpu, type ThreadCpu } from './thread-cpu.ts'
import { WorkerCdp, type WorkerCall } from './worker-cdp.ts'

const MiB = 1024 * 1024
/** The renderer's dedicated workers in the order the suite starts them (see browser/suite.ts). */
const WORKER_NAMES = ['bench worker (the node worker\'s role)', 'hash worker (sw/workers/hash-worker.ts)', 'prototype worker 1', 'prototype worker 2']

interface Window { threads: () => ThreadCpu[], machine: () => MachineCpu, start: number, children: { peer: number, relay: number } | undefined, own: NodeJS.CpuUsage, monotonic: bigint }

/**
 * What run.ts does when the bench worker asks (browser/protocol.ts
 * `HostRequest`): garbage-collect it and read its heap over CDP, sample its
 * peak heap, count CPU per thread, and run V8's profiler on it.
 */
export class BenchHost {
  private cdp: WorkerCdp | undefined
  private peak: { label: string, max: number, stop: boolean, loop: Promise<void> } | undefined
  private cpu: Window | undefined
  private load: Window | undefined

  constructor (
    /** CDP calls on the bench worker (bench-page.ts). */
    private readonly benchWorker: WorkerCall,
    private readonly results: Results,
    private readonly userDataDir: string,
    private readonly resultsDir: string
  ) {}

  /** Runs one Node reference replication (`replicate-node`); set by run.ts when the replication figures run. */
  replicateNode: ((path: ReplicationPath, bytes: number) => Promise<void>) | undefined
  /** CPU ms the backup peer and the relay process have each used so far, when they run (shown beside Chromium's). */
  childCpuMs: (() => { peer: number, relay: number }) | undefined

  async handle (request: HostRequest): Promise<void> {
    if (request.op === 'replicate-node') {
      if (this.replicateNode === undefined) throw new Error('no replication host is running')
      await this.replicateNode(request.path, request.bytes)
      return
    }
    const worker = await this.worker()
    switch (request.op) {
      case 'gc':
        await worker.collectGarbage()
        return
      case 'heap': {
        await worker.collectGarbage()
        const usage = await worker.heapUsage()
        console.log(`  ${request.label}: JS heap ${(usage.usedSize / MiB).toFixed(1)} MiB + ArrayBuffers ${(usage.backingStorageSize / MiB).toFixed(1)} MiB`)
        this.results.add({ name: request.label, value: (usage.usedSize + usage.backingStorageSize) / MiB, unit: 'MiB' })
        return
      }
      case 'peak-start': {
        const state = { label: request.label, max: 0, stop: false, loop: Promise.resolve() }
        state.loop = (async () => {
          while (!state.stop) {
            const usage = await worker.heapUsage()
            state.max = Math.max(state.max, (usage.usedSize + usage.backingStorageSize) / MiB)
            await new Promise((resolve) => setTimeout(resolve, 50))
          }
        })()
        this.peak = state
        return
      }
      case 'peak-stop': {
        const peak = this.peak
        this.peak = undefined
        if (peak === undefined) return
        peak.stop = true
        await peak.loop
        this.results.add({ name: peak.label, value: peak.max, unit: 'MiB' })
        console.log(`  ${peak.label}: ${peak.max.toFixed(1)} MiB (sampled every ~50 ms)`)
        return
      }
      case 'cpu-start':
        this.cpu = this.startWindow()
        return
      case 'cpu-stop':
        if (this.cpu !== undefined) this.reportCpu(request.label, this.cpu)
        this.cpu = undefined
        return
      case 'load-start':
        this.load = this.startWindow()
        return
      case 'load-stop':
        if (this.load !== undefined) this.reportLoad(request.label, this.load)
        this.load = undefined
        return
      case 'profile-start':
        await startCpuProfile(worker)
        return
      case 'profile-stop':
        await this.reportProfile(request.label, worker)
    }
  }

  private async worker (): Promise<WorkerCdp> {
    this.cdp ??= new WorkerCdp(this.benchWorker)
    return this.cdp
  }

  private startWindow (): Window {
    return { threads: startThreadCpu(this.userDataDir, WORKER_NAMES), machine: startMachineCpu(), start: performance.now(), children: this.childCpuMs?.(), own: process.cpuUsage(), monotonic: process.hrtime.bigint() }
  }

  private reportCpu (label: string, window: Window): void {
    const threads = window.threads()
    const machine = window.machine()
    const wallMs = performance.now() - window.start
    const total = threads.reduce((sum, t) => sum + t.ms, 0)
    if (total === 0) return
    console.log(`  CPU during ${label}: ${wallMs.toFixed(0)} ms wall; Chromium kept ${(total / wallMs).toFixed(2)} of ${cpus().length} cores busy; ` +
      `machine: busy ${machine.busy.toFixed(0)}, idle ${machine.idle.toFixed(0)}, iowait ${machine.iowait.toFixed(0)}, steal ${machine.steal.toFixed(0)} ms`)
    // The window in V8 profiles' clock (monotonic µs, the same in every process), to cut the peer's and relay's profiles (CAIRN_BENCH_CPU_PROF).
    if (process.env.CAIRN_BENCH_CPU_PROF !== undefined) console.log(`  profile window ${label}: ${window.monotonic / 1000n}-${process.hrtime.bigint() / 1000n} µs`)
    const own = process.cpuUsage(window.own)
    console.log(`    ${((own.user + own.system) / 1000).toFixed(0).padStart(6)} ms  this bench process (Playwright, CDP, the CPU sampling)`)
    if (window.children !== undefined && this.childCpuMs !== undefined) {
      const [start, now] = [window.children, this.childCpuMs()]
      console.log(`    ${(now.peer - start.peer).toFixed(0).padStart(6)} ms  the backup peer process`)
      console.log(`    ${(now.relay - start.relay).toFixed(0).padStart(6)} ms  the relay process`)
    }
    for (const t of threads.filter((t) => t.ms >= 20)) console.log(`    ${t.ms.toFixed(0).padStart(6)} ms  ${t.process.padEnd(16)} ${t.thread.padEnd(60)} sys ${t.sysMs.toFixed(0).padStart(5)} ms, ${String(t.faults).padStart(7)} minor faults`)
    this.results.add({ name: `cpu.${label}.busy_cores`, value: total / wallMs, unit: 'cores' })
  }

  /** Cores other programs kept busy: the whole machine's busy time minus Chromium's. */
  private reportLoad (label: string, window: Window): void {
    const ours = window.threads().reduce((sum, t) => sum + t.ms, 0)
    const other = Math.max(0, window.machine().busy - ours) / (performance.now() - window.start)
    this.results.add({ name: label, value: other, unit: 'cores' })
    console.log(`  other programs kept ${other.toFixed(2)} of ${cpus().length} cores busy during the timed runs`)
  }

  private async reportProfile (label: string, worker: WorkerCdp): Promise<void> {
    mkdirSync(this.resultsDir, { recursive: true })
    const path = join(this.resultsDir, `${label}.cpuprofile`)
    const hot = await stopCpuProfile(worker, path)
    console.log(`  bench worker's JavaScript thread during ${label}, self time (V8 sampling profile, ${path}):`)
    for (const f of hot.slice(0, 14)) console.log(`    ${f.ms.toFixed(0).padStart(6)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`)
  }
}
