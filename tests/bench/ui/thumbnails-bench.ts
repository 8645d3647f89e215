import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import type { Results } from '../support/report.ts'
import { startMachineCpu, startThreadCpu, type MachineCpu, type ThreadCpu } from '../support/thread-cpu.ts'
import type { ThumbnailsRun } from './thumbnails-page.ts'

const PAGE_MODULE = fileURLToPath(new URL('./thumbnails-page.ts', import.meta.url))

/**
 * `ui.thumbnails.100`: seconds to make thumbnails of 100 photos of
 * 4000 × 3000 (goal ≤ 10 s), with the app's thumbnail maker (decode, scale,
 * encode in workers), on the bench page served by Vite. Beside it, the
 * longest stall of the page's own thread meanwhile, which shows the work is
 * off the UI thread, and the browser's CPU time over the same window (Linux):
 * this machine is shared, so `cpu` (and `other_load`, the cores others kept
 * busy) say what the wall time would be on a quiet one (≈ cpu / cores, the
 * maker keeping both cores busy).
 */
export async function runThumbnailsBench (page: Page, serverUrl: string, results: Results, userDataDir?: string, count = 100): Promise<void> {
  let stopThreads: (() => ThreadCpu[]) | undefined
  let stopMachine: (() => MachineCpu) | undefined
  let cpu: { browserMs: number, threads: ThreadCpu[], machine: MachineCpu } | undefined
  let startedAt = 0
  let windowMs = 0
  await page.exposeFunction('__thumbnailsMark', (phase: 'start' | 'stop') => {
    if (userDataDir === undefined) return
    if (phase === 'start') {
      startedAt = performance.now()
      stopThreads = startThreadCpu(userDataDir, ['thumbnails 1', 'thumbnails 2'])
      stopMachine = startMachineCpu()
      return
    }
    windowMs = performance.now() - startedAt
    const threads = stopThreads?.() ?? []
    const machine = stopMachine?.()
    if (machine !== undefined) cpu = { browserMs: threads.reduce((sum, t) => sum + t.ms, 0), threads, machine }
  })
  await page.goto(serverUrl)
  const run = await page.evaluate(async ({ module, count }) => {
    const { runThumbnails } = await import(/* @vite-ignore */ module) as typeof import('./thumbnails-page.ts')
    return await runThumbnails(count)
  }, { module: `/@fs${PAGE_MODULE}`, count }) as ThumbnailsRun
  if (run.made !== count) console.error(`! ui.thumbnails: ${count - run.made} of ${count} photos made no thumbnail`)
  const name = `ui.thumbnails.${count}`
  results.add({ name, value: run.seconds, unit: 's' })
  results.add({ name: `${name}.main_thread_max_stall`, value: run.maxStallMs, unit: 'ms' })
  if (cpu !== undefined && windowMs > 0) {
    results.add({ name: `${name}.cpu`, value: cpu.browserMs / 1000, unit: 's' })
    // Where it went: the two thumbnail workers should carry it, the page's own thread next to nothing.
    for (const t of cpu.threads.slice(0, 6)) console.log(`    ${t.process} / ${t.thread}: ${(t.ms / 1000).toFixed(2)} s`)
    results.add({ name: `${name}.other_load`, value: Math.max(0, cpu.machine.busy - cpu.browserMs) / windowMs, unit: 'cores' })
  }
  console.log(`  ${name}: ${run.seconds.toFixed(2)} s (photos of ${run.sourceMB.toFixed(1)} MB; longest stall of the page's thread ${run.maxStallMs.toFixed(0)} ms)`)
}
