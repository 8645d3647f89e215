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
import type { WorkerCall } from './support/worker-cdp.ts'
import { ReplicationHost } from './support/replication-host.ts'
import { BenchPage } from './support/bench-page.ts'
import { launchPlainChromium } from './support/plain-chromium.ts'
import { runSyncBench } from './sync/run-sync.ts'
import { runDesktopBench } from './desktop/run-desktop.ts'
import { runUiBench } from './browser/run-ui.ts'
import { runScaleBench } from './scale/run-scale.ts'
import { runNodeReplication } from './support/node-replication.ts'
import { runThumbnailsBench } from './ui/thumbnails-bench.ts'
import { runFolderBench } from './folders/run-folders.ts'
import { runFolderBrowserBench } from './browser/run-folders-browser.ts'
import { runTransportCeiling } from './transport/run-transport-ceiling.ts'
import { runWebrtcCeiling } from './transport/webrtc-ceiling.ts'

/**
 * `npm run bench [-- --size MiB --reps N --no-stages --only add|replication|sync|desktop|scale|replication-node|ui|folders|folders-browser|transport-ceiling|webrtc-ceiling
 * --replication-size MiB --replication-reps N --peer-fetch-concurrency N
 * --sync-files N --sync-reps N --sync-latency-samples N --open-size MB
 * --desktop-size MiB --desktop-reps N --desktop-idle-seconds S
 * --scale-blocks N --scale-block-size B --scale-reps N --fanin-vaults N --fanin-roots N --fanin-file-kib K --ui-files N --ui-reps N --folder-files N --browser-folder-files N --browser-folder-vault memory|real]`: Cairn's encrypted add and
 * read against plain Helia and raw OPFS, in headless Chromium, inside a
 * dedicated worker; then replication browser → backup peer (direct and
 * through the relay) against a Node device, and restore peer → browser;
 * then device sync in Node (tests/bench/sync/); then the desktop app's add,
 * start and idle daemon (tests/bench/desktop/); then the backup peer at
 * scale (tests/bench/scale/).
 * Measures and prints; asserts nothing about speed.
 * See tests/bench/README.md for what each figure means.
 */

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))
const RESULTS = join(RESULTS_DIR, 'latest.jsonl')

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    reps: { type: 'string', default: '3' },
    'no-stages': { type: 'boolean', default: false },
    only: { type: 'string' },
    'replication-size': { type: 'string', default: '200' },
    'replication-reps': { type: 'string', default: '2' },
    'peer-fetch-concurrency': { type: 'string' },
    'sync-files': { type: 'string', default: '10000' },
    'sync-reps': { type: 'string', default: '3' },
    'sync-latency-samples': { type: 'string', default: '20' },
    'open-size': { type: 'string', default: '100' },
    'desktop-size': { type: 'string', default: '1024' },
    'desktop-reps': { type: 'string', default: '2' },
    'desktop-idle-seconds': { type: 'string', default: '60' },
    'scale-blocks': { type: 'string', default: '1000000' },
    'scale-block-size': { type: 'string', default: '1024' },
    'scale-reps': { type: 'string', default: '3' },
    'fanin-vaults': { type: 'string', default: '50' },
    'fanin-roots': { type: 'string', default: '8' },
    'fanin-file-kib': { type: 'string', default: '128' },
    'ui-files': { type: 'string', default: '10000' },
    'ui-reps': { type: 'string', default: '5' },
    'folder-files': { type: 'string', default: '100000' },
    'browser-folder-files': { type: 'string', default: '10000' },
    'browser-folder-vault': { type: 'string', default: 'memory' }
  }
})
const options: BenchOptions = { sizeMiB: Number(args.size), reps: Number(args.reps), stages: args['no-stages'] !== true }
const replicationOptions: BenchOptions = { sizeMiB: Number(args['replication-size']), reps: Number(args['replication-reps']), stages: false }
for (const o of [options, replicationOptions]) {
  if (!Number.isInteger(o.sizeMiB) || o.sizeMiB < 1 || !Number.isInteger(o.reps) || o.reps < 1) {
    throw new Error('--size, --replication-size (MiB), --reps and --replication-reps must be positive integers')
  }
}
const PARTS = ['add', 'replication', 'sync', 'desktop', 'scale', 'replication-node', 'ui', 'folders', 'folders-browser', 'transport-ceiling', 'webrtc-ceiling']
/** Parts that need no browser. */
const NODE_ONLY_PARTS = ['sync', 'desktop', 'scale', 'replication-node', 'folders', 'transport-ceiling']
if (args.only !== undefined && !PARTS.includes(args.only)) throw new Error(`--only takes ${PARTS.join(', ')}`)
const uiOptions = { files: Number(args['ui-files']), reps: Number(args['ui-reps']) }
if (![uiOptions.files, uiOptions.reps].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--ui-files and --ui-reps must be positive integers')
const syncOptions = {
  files: Number(args['sync-files']),
  reps: Number(args['sync-reps']),
  latencySamples: Number(args['sync-latency-samples']),
  openMB: Number(args['open-size']),
  resultsDir: RESULTS_DIR
}
if (![syncOptions.files, syncOptions.reps, syncOptions.latencySamples, syncOptions.openMB].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error('--sync-files, --sync-reps, --sync-latency-samples and --open-size (MB) must be positive integers')
}

const desktopOptions = {
  sizeMiB: Number(args['desktop-size']),
  reps: Number(args['desktop-reps']),
  idleSeconds: Number(args['desktop-idle-seconds']),
  resultsDir: RESULTS_DIR
}
if (![desktopOptions.sizeMiB, desktopOptions.reps, desktopOptions.idleSeconds].every((n) => Number.isInteger(n) && n >= 1)) {
  throw new Error('--desktop-size (MiB), --desktop-reps and --desktop-idle-seconds must be positive integers')
}

const scaleOptions = {
  blocks: Number(args['scale-blocks']),
  smallBlocks: 10_000,
  blockSize: Number(args['scale-block-size']),
  reps: Number(args['scale-reps']),
  fanin: { vaults: Number(args['fanin-vaults']), rootsPerVault: Number(args['fanin-roots']), fileBytes: Number(args['fanin-file-kib']) * 1024 }
}
if (![scaleOptions.blocks, scaleOptions.blockSize, scaleOptions.reps, scaleOptions.fanin.vaults, scaleOptions.fanin.rootsPerVault, scaleOptions.fanin.fileBytes].every((n) => Number.isInteger(n) && n >= 1) || scaleOptions.blockSize < 64) {
  throw new Error('--scale-blocks, --scale-block-size (bytes, ≥ 64), --scale-reps, --fanin-vaults, --fanin-roots and --fanin-file-kib must be positive integers')
}

const results = new Results()
// The sync and desktop figures run in Node alone: no browser for `--only sync` or `--only desktop`.
const browser = args.only !== undefined && NODE_ONLY_PARTS.includes(args.only) ? undefined : { server: await startBenchServer(), profile: await launchProfile() }
try {
  if (browser !== undefined) {
    const { profile } = browser
    const page = await profile.context.newPage()
    const meta = await describe(page)
    await page.close()
    console.log(`Cairn bench: ${meta}\nmedians; MB = 10^6 bytes\n`)
    if (args.only === undefined || args.only === 'add') {
      console.log(`add and read: ${options.sizeMiB} MiB file, ${options.reps} repetition(s)`)
      await runInPage(options)
    }
    if (args.only === undefined || args.only === 'replication') {
      console.log(`replication: ${replicationOptions.sizeMiB} MiB file, ${replicationOptions.reps} repetition(s)`)
      await runReplication()
    }
    if (args.only === undefined || args.only === 'ui') {
      await runUiBench(await profile.context.newPage(), browser.server.url, results, uiOptions)
      console.log('ui: thumbnails of 100 photos of 4000 × 3000, in the app\'s thumbnail workers')
      await runThumbnailsBench(await profile.context.newPage(), browser.server.url, results, profile.userDataDir)
    }
    if (args.only === 'webrtc-ceiling') await runWebrtcCeiling(await profile.context.newPage(), results, { sizeMiB: replicationOptions.sizeMiB, reps: replicationOptions.reps })
    if (args.only === undefined || args.only === 'folders-browser') await runFolderBrowserBench(await profile.context.newPage(), browser.server.url, results, { files: Number(args['browser-folder-files']), reps: 3, vault: args['browser-folder-vault'] === 'real' ? 'real' : 'memory' })
  } else {
    const cpu = cpus()
    console.log(`Cairn bench: ${new Date().toISOString()}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}\nmedians; MB = 10^6 bytes\n`)
  }
  if (args.only === undefined || args.only === 'sync') await runSyncBench(results, syncOptions)
  if (args.only === undefined || args.only === 'desktop') await runDesktopBench(results, desktopOptions)
  if (args.only === undefined || args.only === 'scale') await runScaleBench(results, scaleOptions)
  if (args.only === 'replication-node') await runNodeReplication(results, replicationOptions)
  if (args.only === 'transport-ceiling') await runTransportCeiling(results, replicationOptions)
  if (args.only === undefined || args.only === 'folders') await runFolderBench(results, { files: Number(args['folder-files']), changes: 20 })
  const figures = results.figures()
  console.log(`\n${formatTable(figures)}\n`)
  writeJsonLines(RESULTS, figures)
  console.log(`Wrote ${figures.length} figures to ${RESULTS}`)
  const otherLoad = figures.find((f) => f.name === 'machine.other_load.cores')?.value ?? 0
  if (otherLoad > 0.1) console.warn(`! other programs kept ${otherLoad.toFixed(2)} cores busy during the timed runs: these figures understate Cairn; rerun on a quiet machine`)
} finally {
  await browser?.profile.dispose()
  await browser?.server.close()
}

async function describe (page: Page): Promise<string> {
  const session = await page.context().newCDPSession(page)
  const { product } = await session.send('Browser.getVersion')
  await session.detach()
  const cpu = cpus()
  return `${new Date().toISOString()}, ${product}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`
}

/** The replication figures on their own page, against a relay and peer started here. */
async function runReplication (): Promise<void> {
  const concurrency = args['peer-fetch-concurrency']
  const replication = await ReplicationHost.start(concurrency !== undefined ? Number(concurrency) : undefined)
  try {
    await runInPage({ ...replicationOptions, replication: replication.targets }, async (path, bytes) => { await replication.replicateNode(path, bytes, results) }, () => replication.childCpuMs())
  } finally {
    await replication.stop()
  }
  // Each repetition's browser and Node figures were taken seconds apart: ratio them pairwise.
  const figures = results.figures()
  for (const path of ['direct', 'relay']) {
    const browser = figures.find((f) => f.name === `replicate.browser.${path}`)?.samples ?? []
    const node = figures.find((f) => f.name === `replicate.node.${path}`)?.samples ?? []
    browser.forEach((value, i) => {
      const reference = node[i]
      if (reference !== undefined) results.add({ name: `ratio.replicate.browser_vs_node.${path}`, value: value / reference, unit: '×' })
    })
  }
  // Issue 4's goal: a share link streams at ≥ 0.8× the restore throughput.
  const share = figures.find((f) => f.name === 'share.throughput')?.samples ?? []
  const restore = figures.find((f) => f.name === 'restore.browser')?.samples ?? []
  share.forEach((value, i) => {
    const reference = restore[i]
    if (reference !== undefined) results.add({ name: 'ratio.share_vs_restore', value: value / reference, unit: '×' })
  })
}

/**
 * Runs the bench page's suites (add and read, or replication) in a Chromium
 * of their own driven over raw CDP, not through Playwright (plain-chromium.ts
 * says why), with the CPU per thread read from that Chromium's processes.
 */
async function runInPage (runOptions: BenchOptions, replicateNode?: BenchHost['replicateNode'], childCpuMs?: BenchHost['childCpuMs']): Promise<void> {
  if (browser === undefined) throw new Error('the browser figures need the browser')
  const plain = await launchPlainChromium()
  try {
    // The page's worker sessions exist once it has loaded; the host reaches the bench worker through them.
    const attached: { benchWorker?: WorkerCall } = {}
    const host = new BenchHost(async (method, params) => {
      if (attached.benchWorker === undefined) throw new Error('the bench page is not loaded yet')
      return await attached.benchWorker(method, params)
    }, results, plain.userDataDir, RESULTS_DIR)
    host.replicateNode = replicateNode
    host.childCpuMs = childCpuMs
    const page = await BenchPage.open(plain.cdp, browser.server.url, {
      report: (event: WorkerEvent) => {
        if (event.type === 'log') console.log(`- ${event.text}`)
        else if (event.type === 'sample') {
          results.add(event.sample)
          console.log(`  ${event.sample.name}: ${event.sample.value.toFixed(2)} ${event.sample.unit}`)
        }
      },
      host: async (request: HostRequest) => { await host.handle(request) }
    })
    attached.benchWorker = page.workerCall('bench-worker')
    await page.run(runOptions)
    await page.close()
  } finally {
    await plain.close()
  }
}
