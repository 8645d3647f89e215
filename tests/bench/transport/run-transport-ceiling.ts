import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { DEFAULT_BLOCK_CONCURRENCY } from '../../../core/protocols/backup/constants.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { startServerProcess, type ServerProcess } from '../../e2e/support/server-process.ts'
import { processCpuMs } from '../support/process-cpu.ts'
import type { Results } from '../support/report.ts'
import { startMachineCpu } from '../support/thread-cpu.ts'
import { fetchBlocks, PROTO_BLOCKS_PROTOCOL } from './proto-block-exchange.ts'
import { ReceiverNode } from './receiver-node.ts'
import { drainBytes, STAGE_BYTES_PROTOCOL } from './stage-byte-source.ts'

const SENDER = new URL('./sender-process.ts', import.meta.url).pathname

/** Blocks (MiB) each kind of transfer moves once, untimed, before the first timed run. */
const WARM_UP_BLOCKS = 16

interface SenderReady { multiaddrs: string[], cids: string[] }

export interface TransportCeilingOptions {
  /** MiB moved per measurement: that many 1 MiB blocks. */
  sizeMiB: number
  reps: number
}

/** One leg: moves `cids` (or as many MiB as there are CIDs) to `receiver`; returns the bytes moved. */
type Leg = (receiver: ReceiverNode, cids: CID[]) => Promise<number>

/**
 * `--only transport-ceiling`: how fast Cairn's transport stack moves bytes
 * between two Node processes on 127.0.0.1, and how much of that a block
 * protocol keeps. The sender is its own process (sender-process.ts), the
 * receiver this one (receiver-node.ts). Per repetition, back to back:
 * - `stage.transport.ceiling.streams_1` / `.streams_4`: raw bytes written
 *   as 1 MiB buffers over one stream / four at once, drained (no store);
 * - `stage.transport.blocks.bitswap`: the N blocks fetched over bitswap as
 *   the peer fetches (`DEFAULT_BLOCK_CONCURRENCY` at once through Helia's
 *   blockstore: bitswap, one hash, a durable put);
 * - `proto.transport.blocks.batched`: the same blocks over one stream of
 *   the batched prototype (proto-block-exchange.ts), the same window, one
 *   hash, a durable put.
 * The two block legs swap order every repetition. Each has MB/s and CPU ms
 * per MB of each process (`cpu.<name>.sender`, `.receiver`): on a loaded
 * machine compare those, within a run.
 */
export async function runTransportCeiling (results: Results, options: TransportCeilingOptions): Promise<void> {
  console.log(`transport ceiling: ${options.sizeMiB} × 1 MiB, ${options.reps} repetition(s)`)
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-transport-'))
  let sender: ServerProcess<SenderReady> | undefined
  try {
    const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import tsx ${cpuProfileOptions()}`.trim()
    sender = await startServerProcess<SenderReady>(SENDER, ['--blocks', String(options.sizeMiB), '--dir', join(dir, 'sender')], 'CAIRN_BENCH_SENDER_READY', 300_000, { NODE_OPTIONS: nodeOptions })
    const address = sender.ready.multiaddrs.find((ma) => ma.includes('/ws'))
    if (address === undefined) throw new Error(`the sender listens on no WebSocket: ${sender.ready.multiaddrs.join(', ')}`)
    const cids = sender.ready.cids.map((c) => CID.parse(c))
    const senderPid = sender.child.pid ?? -1
    const machine = startMachineCpu()
    const ours = process.cpuUsage()
    const senderAtStart = processCpuMs(senderPid) ?? 0
    const start = performance.now()
    let receivers = 0
    const measure = async (name: string, leg: Leg, warmUp = false): Promise<void> => {
      const receiver = await ReceiverNode.start(join(dir, `receiver-${++receivers}`), address)
      try {
        if (warmUp) {
          await leg(receiver, cids.slice(0, WARM_UP_BLOCKS))
          return
        }
        const before = [cpuMs(), processCpuMs(senderPid) ?? NaN]
        const t0 = performance.now()
        const monotonic0 = process.hrtime.bigint()
        const bytes = await leg(receiver, cids)
        const ms = performance.now() - t0
        // The timed window in V8 profiles' clock (monotonic µs), to cut a profile to it.
        if (cpuProfileOptions() !== '') console.log(`  profile window ${name}: ${monotonic0 / 1000n}–${process.hrtime.bigint() / 1000n} µs`)
        const after = [cpuMs(), processCpuMs(senderPid) ?? NaN]
        // Untimed: a block leg must leave every block in the receiver's store.
        if (name.includes('.blocks.') && !cids.every((cid) => receiver.store.has(cid))) throw new Error(`${name} left blocks out of the receiver's store`)
        const mb = bytes / 1e6
        const [receiverMs, senderMs] = [0, 1].map((i) => ((after[i] ?? NaN) - (before[i] ?? NaN)) / mb) as [number, number]
        results.add({ name, value: mb / (ms / 1000), unit: 'MB/s' })
        results.add({ name: `cpu.${name}.sender`, value: senderMs, unit: 'ms/MB' })
        results.add({ name: `cpu.${name}.receiver`, value: receiverMs, unit: 'ms/MB' })
        console.log(`  ${name}: ${(mb / (ms / 1000)).toFixed(1)} MB/s, CPU ms/MB sender ${senderMs.toFixed(1)}, receiver ${receiverMs.toFixed(1)}`)
      } finally {
        await receiver.stop()
      }
    }
    const total = options.sizeMiB * 1024 * 1024
    // Untimed: the first bitswap or Noise messages of a process run unoptimised code.
    await measure('warm-up', async (r, some) => await drainStreams(r, some.length * 1024 * 1024, 4), true)
    await measure('warm-up', bitswapLeg, true)
    await measure('warm-up', batchedLeg, true)
    for (let rep = 0; rep < options.reps; rep++) {
      await measure('stage.transport.ceiling.streams_1', async (r) => await drainStreams(r, total, 1))
      await measure('stage.transport.ceiling.streams_4', async (r) => await drainStreams(r, total, 4))
      const blocks: Array<[string, Leg]> = [['stage.transport.blocks.bitswap', bitswapLeg], ['proto.transport.blocks.batched', batchedLeg]]
      if (rep % 2 === 1) blocks.reverse()
      for (const [name, leg] of blocks) await measure(name, leg)
    }
    const elapsed = performance.now() - start
    const used = process.cpuUsage(ours)
    const senderUsed = (processCpuMs(senderPid) ?? senderAtStart) - senderAtStart
    const other = Math.max(0, machine().busy - (used.user + used.system) / 1000 - senderUsed) / elapsed
    results.add({ name: 'machine.other_load.cores', value: other, unit: 'cores' })
    console.log(`  other programs kept ${other.toFixed(2)} cores busy (load average ${loadAverage()}; CPU pressure ${cpuPressure()})`)
  } finally {
    const code = await sender?.stop()
    if (code !== undefined && code !== 0) console.log(`  the sender exited with ${code}:\n${sender?.log().slice(-4000) ?? ''}`)
    await rm(dir, { recursive: true, force: true })
  }
}

async function drainStreams (receiver: ReceiverNode, bytes: number, streams: number): Promise<number> {
  const each = Math.ceil(bytes / streams)
  const opened = await Promise.all(Array.from({ length: streams }, async () => await receiver.connection.newStream(STAGE_BYTES_PROTOCOL)))
  const counts = await Promise.all(opened.map(async (s) => await drainBytes(s, each)))
  const received = counts.reduce((a, b) => a + b, 0)
  if (received !== each * streams) throw new Error(`received ${received} of ${each * streams} bytes`)
  return received
}

/** As the peer fetches a DAG's blocks (dag-fetch.ts): `DEFAULT_BLOCK_CONCURRENCY` at a time through Helia. */
async function bitswapLeg (receiver: ReceiverNode, cids: CID[]): Promise<number> {
  let next = 0
  let bytes = 0
  const worker = async (): Promise<void> => {
    while (next < cids.length) {
      const cid = cids[next++] as CID
      // Not `bytes += await …`: that reads `bytes` before the await, and the workers overwrite each other's sums.
      const block = await readWholeBlock(receiver.helia.blockstore, cid, { signal: AbortSignal.timeout(120_000) })
      bytes += block.byteLength
    }
  }
  await Promise.all(Array.from({ length: DEFAULT_BLOCK_CONCURRENCY }, worker))
  return bytes
}

async function batchedLeg (receiver: ReceiverNode, cids: CID[]): Promise<number> {
  const stream = await receiver.connection.newStream(PROTO_BLOCKS_PROTOCOL)
  return await fetchBlocks(stream, cids, receiver.store, { window: DEFAULT_BLOCK_CONCURRENCY, signal: AbortSignal.timeout(120_000) })
}

function cpuMs (): number {
  const used = process.cpuUsage()
  return (used.user + used.system) / 1000
}

/** /proc/pressure/cpu's "some" line: the share of time something waited for a CPU. */
function cpuPressure (): string {
  try {
    return readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0] ?? ''
  } catch {
    return 'unknown'
  }
}

function loadAverage (): string {
  return loadavg().map((n) => n.toFixed(1)).join(' ')
}

/** `CAIRN_BENCH_CPU_PROF=<dir>`: the sender writes a V8 CPU profile there when it stops. */
function cpuProfileOptions (): string {
  const dir = process.env.CAIRN_BENCH_CPU_PROF
  return dir === undefined || dir === '' ? '' : `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-name=sender-\${pid}.cpuprofile`
}
