import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Results } from '../support/report.ts'
import { measureFanin, type FaninOptions } from './fanin.ts'
import { scaleFixture, type ScaleFixture } from './fixture.ts'
import { measureLookups } from './lookup.ts'
import { timeEmptyPeerStart, timePeerStart } from './peer-start.ts'

export interface ScaleBenchOptions {
  /** Blocks in the large fixture (the figures' names say 1M; a smaller run says so in its log). */
  blocks: number
  /** Blocks in the small fixture the lookup cost is compared with. */
  smallBlocks: number
  blockSize: number
  reps: number
  fanin: FaninOptions
}

const INDEX_MEMORY = fileURLToPath(new URL('./index-memory.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * The backup peer at scale (issue 12): lookups with 1M blocks against 10k,
 * the index's memory per block, the peer's start on 1M blocks, and 50 vaults
 * backing up at once. Measures and prints; asserts nothing about speed.
 */
export async function runScaleBench (results: Results, options: ScaleBenchOptions): Promise<void> {
  const log = (line: string): void => { console.log(line) }
  console.log(`peer scale: ${options.blocks} vs ${options.smallBlocks} blocks of ${options.blockSize} bytes, ${options.reps} repetition(s)`)
  const small = await scaleFixture(options.smallBlocks, options.blockSize, log)
  const large = await scaleFixture(options.blocks, options.blockSize, log)

  const [smallCost, largeCost] = await measureLookups([small, large])
  if (smallCost === undefined || largeCost === undefined) throw new Error('no lookup figures')
  console.log(`  has(): ${smallCost.hasNs.toFixed(0)} ns with ${options.smallBlocks}, ${largeCost.hasNs.toFixed(0)} ns with ${options.blocks}; get(): ${smallCost.getNs.toFixed(0)} / ${largeCost.getNs.toFixed(0)} ns`)
  results.add({ name: 'scale.peer.lookup_ratio.1M_vs_10k', value: largeCost.hasNs / smallCost.hasNs, unit: '×' })
  results.add({ name: 'scale.peer.get_ratio.1M_vs_10k', value: largeCost.getNs / smallCost.getNs, unit: '×' })
  results.add({ name: 'scale.peer.lookup_ns.1M', value: largeCost.hasNs, unit: 'ns' })

  const memory = await indexMemory(large)
  console.log(`  index: ${memory.grownBytes} bytes grown for ${memory.blocks} blocks (arrays ${memory.indexBytes} bytes), from the saved index: ${memory.savedIndex}, opened in ${memory.openSeconds.toFixed(2)} s`)
  results.add({ name: 'scale.peer.index_bytes_per_block', value: memory.grownBytes / memory.blocks, unit: 'B' })
  results.add({ name: 'scale.peer.open_store.1M', value: memory.openSeconds, unit: 's' })
  const rebuilt = await indexMemory(large, 'rebuild')
  console.log(`  index rebuilt from the journals (no saved index): ${rebuilt.openSeconds.toFixed(2)} s, ${rebuilt.grownBytes} bytes grown`)
  results.add({ name: 'scale.peer.open_store_rebuild.1M', value: rebuilt.openSeconds, unit: 's' })

  for (let rep = 0; rep < options.reps; rep++) {
    const empty = await timeEmptyPeerStart()
    const full = await timePeerStart(large.dataDir)
    console.log(`  start: ${full.toFixed(2)} s with ${options.blocks} blocks, ${empty.toFixed(2)} s empty`)
    results.add({ name: 'scale.peer.start.1M', value: full, unit: 's' })
    results.add({ name: 'scale.peer.start.empty', value: empty, unit: 's' })
  }

  const fanin = await measureFanin(options.fanin, log)
  console.log(`  fan-in: shares ${fanin.minShare.toFixed(2)}–${fanin.maxShare.toFixed(2)} of fair when half arrived (${fanin.halfSeconds.toFixed(1)} s, ${fanin.totalMBps.toFixed(1)} MB/s in all)`)
  results.add({ name: `scale.peer.fanin.${options.fanin.vaults}.min_share`, value: fanin.minShare, unit: '×' })
  results.add({ name: `scale.peer.fanin.${options.fanin.vaults}.MBps`, value: fanin.totalMBps, unit: 'MB/s' })
}

/** Runs index-memory.ts in its own process with `--expose-gc` (`rebuild`: without the saved index). */
async function indexMemory (fixture: ScaleFixture, mode = 'saved'): Promise<IndexMemory> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', INDEX_MEMORY, fixture.blocksDir, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`index-memory.ts exited with ${code}`)
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as IndexMemory
}

interface IndexMemory { blocks: number, grownBytes: number, indexBytes: number, savedIndex: boolean, openSeconds: number }
