/**
 * Where the backup peer's pack writes cost CPU: stores `--blocks` blocks of
 * 1 MiB as the peer stores what the block exchange brings (hash each block
 * on the event loop, then a durable put, at most 48 puts in flight), with
 * block writes on the calling thread (`sync`) and on libuv's thread pool
 * (`async`, the default), alternating, each on a fresh directory.
 * Prints MB/s, CPU ms per MB of the main thread and of the whole process,
 * and the event loop's busy ms per MB (`eventLoopUtilization`: it counts
 * time blocked in a synchronous call, such as a write the kernel throttles
 * while the disk catches up, which CPU time does not) and its longest stall.
 *
 *   node --import tsx tests/bench/storage/pack-write-cpu.ts [--blocks 128] [--reps 3]
 */
import { createHash, randomFillSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { DurableBlockstore } from '../../../relay-server/storage/durable-blockstore.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'
import { processCpuMs } from '../support/process-cpu.ts'

const { values } = parseArgs({ options: { blocks: { type: 'string', default: '128' }, reps: { type: 'string', default: '3' } } })
const BLOCKS = Number(values.blocks)
const REPS = Number(values.reps)
const BLOCK = 1 << 20
const WINDOW = 48

const blocks = Array.from({ length: BLOCKS }, () => randomFillSync(new Uint8Array(BLOCK)))
const MB = BLOCKS * BLOCK / 1e6

function sha256Cid (bytes: Uint8Array): CID {
  return CID.createV1(raw.code, createDigest(0x12, createHash('sha256').update(bytes).digest()))
}

async function run (mode: 'sync' | 'async'): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'cairn-pack-write-cpu-'))
  const files = new FsPackFiles(directory, mode === 'sync' ? Infinity : undefined)
  const store = new DurableBlockstore(new PackBlockstore({ files }))
  await store.start()
  try {
    const mainBefore = processCpuMs(process.pid, process.pid) ?? NaN
    const cpuBefore = process.cpuUsage()
    const elu = performance.eventLoopUtilization()
    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    const started = performance.now()
    const inFlight = new Set<Promise<unknown>>()
    for (const bytes of blocks) {
      while (inFlight.size >= WINDOW) await Promise.race(inFlight)
      const cid = sha256Cid(bytes)
      const put = store.put(cid, bytes).finally(() => { inFlight.delete(put) })
      inFlight.add(put)
    }
    await Promise.all(inFlight)
    const ms = performance.now() - started
    delay.disable()
    const loop = performance.eventLoopUtilization(elu)
    const cpu = process.cpuUsage(cpuBefore)
    const main = (processCpuMs(process.pid, process.pid) ?? NaN) - mainBefore
    const total = (cpu.user + cpu.system) / 1000
    console.log(`  ${mode.padEnd(5)} ${(MB / (ms / 1000)).toFixed(0).padStart(5)} MB/s, CPU ms/MB main thread ${(main / MB).toFixed(2)}, process ${(total / MB).toFixed(2)}; event loop busy ${(loop.active / MB).toFixed(2)} ms/MB, longest stall ${(delay.max / 1e6).toFixed(0)} ms`)
  } finally {
    await store.stop()
    rmSync(directory, { recursive: true, force: true })
  }
}

console.log(`pack writes: ${BLOCKS} blocks of 1 MiB per run, ${WINDOW} puts in flight, durable puts`)
for (let rep = 0; rep < REPS; rep++) {
  // Alternate which goes first, so a burst of other load does not favour one.
  for (const mode of rep % 2 === 0 ? ['sync', 'async'] as const : ['async', 'sync'] as const) await run(mode)
}
