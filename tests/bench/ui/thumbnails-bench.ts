import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import type { Results } from '../support/report.ts'
import type { ThumbnailsRun } from './thumbnails-page.ts'

const PAGE_MODULE = fileURLToPath(new URL('./thumbnails-page.ts', import.meta.url))

/**
 * `ui.thumbnails.100`: seconds to make thumbnails of 100 photos of
 * 4000 × 3000 (goal ≤ 10 s), with the app's thumbnail maker (decode, scale,
 * encode in workers), on the bench page served by Vite. Beside it, the
 * longest stall of the page's own thread meanwhile, which shows the work is
 * off the UI thread.
 */
export async function runThumbnailsBench (page: Page, serverUrl: string, results: Results, count = 100): Promise<void> {
  await page.goto(serverUrl)
  const run = await page.evaluate(async ({ module, count }) => {
    const { runThumbnails } = await import(/* @vite-ignore */ module) as typeof import('./thumbnails-page.ts')
    return await runThumbnails(count)
  }, { module: `/@fs${PAGE_MODULE}`, count }) as ThumbnailsRun
  if (run.made !== count) console.error(`! ui.thumbnails: ${count - run.made} of ${count} photos made no thumbnail`)
  const name = `ui.thumbnails.${count}`
  results.add({ name, value: run.seconds, unit: 's' })
  results.add({ name: `${name}.main_thread_max_stall`, value: run.maxStallMs, unit: 'ms' })
  console.log(`  ${name}: ${run.seconds.toFixed(2)} s (photos of ${run.sourceMB.toFixed(1)} MB; longest stall of the page's thread ${run.maxStallMs.toFixed(0)} ms)`)
}
