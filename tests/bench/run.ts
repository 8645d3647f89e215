import { cpus } from 'node:os'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Page } from '@playwright/test'
import { launchProfile } from '../e2e/support/browser.ts'
import type { BenchOptions, HostRequest, WorkerEvent } from './browser/protocol.ts'
import { startBenchServer } from './support/bench-server.ts'
import { formatTable, Results, writeJsonLines } from './support/report.ts'
import { startCpuProfile, stopCpuProfile } from './support/cpu-profile.ts'
import { startMachineCpu, startThreadCpu, type MachineCpu, type ThreadCpu } from './support/thread-cpu.ts'
import { WorkerCdp } from './support/worker-cdp.ts'

/**
 * `npm run bench [-- --size MiB --reps N --no-stages]`: Cairn's encrypted add
 * and read against plain Helia and raw OPFS, in headless Chromium, inside a
 * dedicated worker. Measures and prints; asserts nothing about speed.
 * See tests/bench/README.md for what each figure means.
 */

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))
const RESULTS = join(RESULTS_DIR, 'latest.jsonl')
const MiB = 1024 * 1024
/** The renderer's dedicated workers in the order the suite starts them (see browser/suite.ts). */
const WORKER_NAMES = ['bench worker (the node worker\'s role)', 'hash worker (sw/workers/hash-worker.ts)', 'prototype worker 1', 'prototype worker 2']

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    reps: { type: 'string', default: '3' },
    'no-stages': { type: 'boolean', default: false }
  }
})
const options: BenchOptions = { sizeMiB: Number(args.size), reps: Number(args.reps), stages: args['no-stages'] !== true }
if (!Number.isInteger(options.sizeMiB) || options.sizeMiB < 1 || !Number.isInteger(options.reps) || options.reps < 1) {
  throw new Error('--size (MiB) and --reps must be positive integers')
}

const results = new Results()
const server = await startBenchServer()
const profile = await launchProfile()
try {
  const page = await profile.context.newPage()
  const meta = await describe(page)
  console.log(`Cairn bench: ${meta}\n${options.sizeMiB} MiB file, ${options.reps} repetition(s), medians; MB = 10^6 bytes\n`)
  await runInPage(page)
  const figures = results.figures()
  console.log(`\n${formatTable(figures)}\n`)
  writeJsonLines(RESULTS, figures)
  console.log(`Wrote ${figures.length} figures to ${RESULTS}`)
} finally {
  await profile.dispose()
  await server.close()
}

async function describe (page: Page): Promise<string> {
  const session = await page.context().newCDPSession(page)
  const { product } = await session.send('Browser.getVersion')
  await session.detach()
  const cpu = cpus()
  return `${new Date().toISOString()}, ${product}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`
}

async function runInPage (page: Page): Promise<void> {
  let cdp: WorkerCdp | undefined
  let peak: { label: string, max: number, stop: boolean, loop: Promise<void> } | undefined
  let load: { threads: () => ThreadCpu[], machine: () => MachineCpu, start: number } | undefined
  let cpu: { stop: () => ThreadCpu[], machine: () => MachineCpu, start: number } | undefined
  const worker = async (): Promise<WorkerCdp> => (cdp ??= await WorkerCdp.attach(page, 'bench-worker'))
  const heapMiB = async (): Promise<number> => {
    const usage = await (await worker()).heapUsage()
    return (usage.usedSize + usage.backingStorageSize) / MiB
  }

  const onHost = async (request: HostRequest): Promise<void> => {
    const w = await worker()
    if (request.op === 'gc') {
      await w.collectGarbage()
    } else if (request.op === 'heap') {
      await w.collectGarbage()
      const usage = await w.heapUsage()
      console.log(`  ${request.label}: JS heap ${(usage.usedSize / MiB).toFixed(1)} MiB + ArrayBuffers ${(usage.backingStorageSize / MiB).toFixed(1)} MiB`)
      results.add({ name: request.label, value: (usage.usedSize + usage.backingStorageSize) / MiB, unit: 'MiB' })
    } else if (request.op === 'peak-start') {
      const state = { label: request.label, max: 0, stop: false, loop: Promise.resolve() }
      state.loop = (async () => {
        while (!state.stop) {
          state.max = Math.max(state.max, await heapMiB())
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      })()
      peak = state
    } else if (request.op === 'cpu-start') {
      cpu = { stop: startThreadCpu(profile.userDataDir, WORKER_NAMES), machine: startMachineCpu(), start: performance.now() }
    } else if (request.op === 'cpu-stop') {
      if (cpu !== undefined) reportCpu(request.label, cpu.stop(), cpu.machine(), performance.now() - cpu.start)
      cpu = undefined
    } else if (request.op === 'load-start') {
      load = { threads: startThreadCpu(profile.userDataDir, WORKER_NAMES), machine: startMachineCpu(), start: performance.now() }
    } else if (request.op === 'load-stop') {
      if (load !== undefined) {
        const ours = load.threads().reduce((sum, t) => sum + t.ms, 0)
        const other = Math.max(0, load.machine().busy - ours) / (performance.now() - load.start)
        results.add({ name: request.label, value: other, unit: 'cores' })
        console.log(`  other programs kept ${other.toFixed(2)} of ${cpus().length} cores busy during the timed runs`)
      }
      load = undefined
    } else if (request.op === 'profile-start') {
      await startCpuProfile(w)
    } else if (request.op === 'profile-stop') {
      mkdirSync(RESULTS_DIR, { recursive: true })
      const path = join(RESULTS_DIR, `${request.label}.cpuprofile`)
      const hot = await stopCpuProfile(w, path)
      console.log(`  bench worker's JavaScript thread during ${request.label}, self time (V8 sampling profile, ${path}):`)
      for (const f of hot.slice(0, 14)) console.log(`    ${f.ms.toFixed(0).padStart(6)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`)
    } else if (peak !== undefined) {
      peak.stop = true
      await peak.loop
      results.add({ name: peak.label, value: peak.max, unit: 'MiB' })
      console.log(`  ${peak.label}: ${peak.max.toFixed(1)} MiB (sampled every ~50 ms)`)
      peak = undefined
    }
  }

  const reportCpu = (label: string, threads: ThreadCpu[], machine: MachineCpu, wallMs: number): void => {
    const total = threads.reduce((sum, t) => sum + t.ms, 0)
    if (total === 0) return
    console.log(`  CPU during ${label}: ${wallMs.toFixed(0)} ms wall; Chromium kept ${(total / wallMs).toFixed(2)} of ${cpus().length} cores busy; ` +
      `machine: busy ${machine.busy.toFixed(0)}, idle ${machine.idle.toFixed(0)}, iowait ${machine.iowait.toFixed(0)}, steal ${machine.steal.toFixed(0)} ms`)
    for (const t of threads.filter((t) => t.ms >= 20)) console.log(`    ${t.ms.toFixed(0).padStart(6)} ms  ${t.process.padEnd(16)} ${t.thread}`)
    results.add({ name: `cpu.${label}.busy_cores`, value: total / wallMs, unit: 'cores' })
  }

  const onReport = (event: WorkerEvent): void => {
    if (event.type === 'log') console.log(`- ${event.text}`)
    else if (event.type === 'sample') {
      results.add(event.sample)
      console.log(`  ${event.sample.name}: ${event.sample.value.toFixed(2)} ${event.sample.unit}`)
    }
  }

  let navigations = 0
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && ++navigations > 1) console.error('! the bench page reloaded: the run is void')
  })
  page.on('pageerror', (err) => { console.error(`! page error: ${err.message}`) })
  page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') console.error(`! console: ${msg.text()}`) })
  await page.exposeFunction('__benchReport', onReport)
  await page.exposeFunction('__benchHost', onHost)
  await page.goto(server.url)
  await page.waitForFunction(() => 'cairnBench' in globalThis)
  try {
    await page.evaluate(async (opts) => {
      const bench = (globalThis as unknown as { cairnBench: { run: (o: BenchOptions) => Promise<void> } }).cairnBench
      await bench.run(opts)
    }, options)
  } finally {
    await cdp?.detach()
  }
  if (navigations > 1) throw new Error('the bench page reloaded during the run (see above)')
}
