import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { Page } from '@playwright/test'
import { launchProfile } from '../e2e/support/browser.ts'
import type { BenchOptions, HostRequest, WorkerEvent } from './browser/protocol.ts'
import { startBenchServer } from './support/bench-server.ts'
import { formatTable, Results, writeJsonLines } from './support/report.ts'
import { BenchHost } from './support/bench-host.ts'

/**
 * `npm run bench [-- --size MiB --reps N --no-stages]`: Cairn's encrypted add
 * and read against plain Helia and raw OPFS, in headless Chromium, inside a
 * dedicated worker. Measures and prints; asserts nothing about speed.
 * See tests/bench/README.md for what each figure means.
 */

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))
const RESULTS = join(RESULTS_DIR, 'latest.jsonl')

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
  const otherLoad = figures.find((f) => f.name === 'machine.other_load.cores')?.value ?? 0
  if (otherLoad > 0.1) console.warn(`! other programs kept ${otherLoad.toFixed(2)} cores busy during the timed runs: these figures understate Cairn; rerun on a quiet machine`)
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
  const host = new BenchHost(page, results, profile.userDataDir, RESULTS_DIR)
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
  await page.exposeFunction('__benchHost', async (request: HostRequest) => { await host.handle(request) })
  await page.goto(server.url)
  await page.waitForFunction(() => 'cairnBench' in globalThis)
  try {
    await page.evaluate(async (opts) => {
      const bench = (globalThis as unknown as { cairnBench: { run: (o: BenchOptions) => Promise<void> } }).cairnBench
      await bench.run(opts)
    }, options)
  } finally {
    await host.close()
  }
  if (navigations > 1) throw new Error('the bench page reloaded during the run (see above)')
}
