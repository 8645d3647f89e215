import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeWebSockets } from '../../../relay-server/shared/node-websockets.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { startServerProcess, type ServerProcess } from '../../e2e/support/server-process.ts'
import { mbPerSecond } from '../browser/bench-context.ts'
import { connectDevice, randomStream, startBenchDevice, storeFileWithKey, timeReplication, timeRestore, type ReplicationPath, type ReplicationTargets } from '../browser/replicate-device.ts'
import { DEFAULT_BLOCK_CONCURRENCY } from '../../../core/protocols/backup/constants.ts'
import type { HashPieces } from '../../../core/protocols/blocks/fetched-block.ts'
import type { CID } from 'multiformats/cid'
import { processCpuMs } from './process-cpu.ts'
import type { Results } from './report.ts'

const RELAY_BIN = new URL('../../../relay-server/bin/cairn-relay.js', import.meta.url).pathname
const PEER_BIN = new URL('../../../relay-server/bin/cairn-peer.js', import.meta.url).pathname

interface RelayReady { peerId: string, multiaddrs: string[] }
interface PeerReady { peerId: string, multiaddrs: string[], pairingCode: string | null }

/**
 * `CAIRN_BENCH_CPU_PROF=<dir>`: the relay and peer processes write V8 CPU
 * profiles there when they stop (`--cpu-prof`; open them in DevTools).
 */
function profileEnv (name: string): Record<string, string> {
  const dir = process.env.CAIRN_BENCH_CPU_PROF
  if (dir === undefined || dir === '') return {}
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${dir} --cpu-prof-name=${name}-\${pid}.cpuprofile`.trim() }
}

/**
 * The Node half of the replication figures: the real `cairn-relay` and
 * `cairn-peer` as child processes (127.0.0.1, free ports, fresh data
 * directory), as users run them, and the Node reference device
 * (`replicate.node.*`) in this process. Each end has its own thread, so a
 * figure is not one JavaScript thread serving both ends, and each
 * process's CPU per MB is reported on its own.
 */
export class ReplicationHost {
  private constructor (
    readonly targets: ReplicationTargets,
    private readonly relay: ServerProcess<RelayReady>,
    private readonly peer: ServerProcess<PeerReady>,
    private readonly dir: string
  ) {}

  /** Device stores made so far (each repetition's device gets a fresh one). */
  private devices = 0

  /** `fetchConcurrency`: the peer's `--fetch-concurrency` (default: the peer's own default). */
  static async start (fetchConcurrency?: number): Promise<ReplicationHost> {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-replication-'))
    let relay: ServerProcess<RelayReady> | undefined
    try {
      relay = await startServerProcess<RelayReady>(RELAY_BIN, ['--ws-port', '0', '--http-port', '0', '--no-webrtc-direct', '--key-file', join(dir, 'relay.key'), '--log-level', 'warn'], 'CAIRN_RELAY_READY', 120_000, profileEnv('relay'))
      const relayWs = relay.ready.multiaddrs.find((ma) => ma.includes('/ws/'))
      if (relayWs === undefined) throw new Error(`the relay listens on no WebSocket: ${relay.ready.multiaddrs.join(', ')}`)
      const args = ['--data-dir', join(dir, 'peer'), '--ws-port', '0', '--no-webrtc-direct', '--relay', relayWs, '--log-level', 'warn']
      if (fetchConcurrency !== undefined) args.push('--fetch-concurrency', String(fetchConcurrency))
      const peer = await startServerProcess<PeerReady>(PEER_BIN, args, 'CAIRN_PEER_READY', 120_000, profileEnv('peer'))
      const { peerId, pairingCode, multiaddrs } = peer.ready
      const direct = multiaddrs.find((ma) => ma.includes('/ws/') && !ma.includes('/p2p-circuit'))
      if (direct === undefined || pairingCode === null) {
        await peer.stop()
        throw new Error('the peer has no WebSocket address or no pairing code')
      }
      const vaultKey = [...globalThis.crypto.getRandomValues(new Uint8Array(32))]
      const targets = { direct, relay: `${relayWs}/p2p-circuit/p2p/${peerId}`, pairingCode, vaultKey }
      return new ReplicationHost(targets, relay, peer, dir)
    } catch (err) {
      await relay?.stop()
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  /** CPU ms the peer and relay processes have used so far, each. */
  childCpuMs (): { peer: number, relay: number } {
    const [, peer, relay] = this.cpuNow()
    return { peer, relay }
  }

  /** CPU ms used so far by [device (this process), peer, relay, the peer's main thread]. */
  private cpuNow (): [number, number, number, number] {
    const own = process.cpuUsage()
    const peerPid = this.peer.child.pid ?? -1
    return [(own.user + own.system) / 1000, processCpuMs(peerPid) ?? NaN, processCpuMs(this.relay.child.pid ?? -1) ?? NaN, processCpuMs(peerPid, peerPid) ?? NaN]
  }

  /**
   * One `replicate.node.<path>` repetition: a fresh Node device (blocks in
   * a pack store on disk, as the desktop app keeps them, so serving reads
   * what the app's would; WebSockets) stores `bytes` of encrypted random data, untimed,
   * then replicates it; records MB/s of plaintext and CPU ms per MB of each
   * process. It dials as the desktop app does (`nodeWebSockets()`) and serves
   * the batched block exchange as the app does; `transport` swaps the former
   * for a comparison, `serveBlocks` false the latter (a device from before it).
   */
  async replicateNode (path: ReplicationPath, bytes: number, results: Results, transport = nodeWebSockets(), label = '', prefix = '', serveBlocks = true): Promise<CID> {
    const storeDir = join(this.dir, `device-${++this.devices}`)
    const blockstore = await createFsBlockstore(storeDir)
    let device: Awaited<ReturnType<typeof startBenchDevice>> | undefined
    try {
      const root = (await storeFileWithKey(blockstore, randomStream(bytes))).root
      device = await startBenchDevice(blockstore, transport, this.targets.vaultKey, undefined, serveBlocks)
      const address = await connectDevice(device, this.targets, path)
      const before = this.cpuNow()
      const monotonic0 = process.hrtime.bigint()
      const ms = await timeReplication(device, address, root, 1)
      const after = this.cpuNow()
      // The timed window in V8 profiles' clock (monotonic µs, the same in every process), to cut a profile to it.
      if (process.env.CAIRN_BENCH_CPU_PROF !== undefined) console.log(`  profile window ${prefix}replicate.node.${path}${label}: ${monotonic0 / 1000n}-${process.hrtime.bigint() / 1000n} µs`)
      const value = mbPerSecond(bytes, ms)
      // CPU per MB moves less than MB/s when other programs load the machine.
      const perMB = (i: 0 | 1 | 2 | 3): number => (after[i] - before[i]) / (bytes / 1e6)
      const [device_, peer, relay, peerMain] = [perMB(0), perMB(1), perMB(2), perMB(3)]
      const name = `replicate.node.${path}${label}`
      results.add({ name: `${prefix}${name}`, value, unit: 'MB/s' })
      results.add({ name: `cpu.${name}`, value: device_ + peer + relay, unit: 'ms/MB' })
      results.add({ name: `cpu.${name}.device`, value: device_, unit: 'ms/MB' })
      results.add({ name: `cpu.${name}.peer`, value: peer, unit: 'ms/MB' })
      results.add({ name: `cpu.${name}.relay`, value: relay, unit: 'ms/MB' })
      // The peer's event loop alone: what its one JavaScript thread spent (the rest ran on libuv's pool, GC helpers, …).
      results.add({ name: `cpu.${name}.peer_main`, value: peerMain, unit: 'ms/MB' })
      // Count evidence of the path: blocks the device sent over the batched exchange (the rest went over bitswap).
      const viaExchange = device.blocks?.stats.blocks ?? 0
      results.add({ name: `count.${name}.exchange_blocks`, value: viaExchange, unit: 'blocks' })
      console.log(`  ${prefix}${name}: ${value.toFixed(2)} MB/s, CPU ms/MB device ${device_.toFixed(1)}, peer ${peer.toFixed(1)} (main thread ${peerMain.toFixed(1)}), relay ${relay.toFixed(1)}; ${viaExchange} blocks over the exchange`)
      return root
    } finally {
      await device?.stop()
      await blockstore.stop()
      await rm(storeDir, { recursive: true, force: true })
    }
  }

  /**
   * One `restore.node.direct` repetition, the desktop app's restore from
   * its backup peer: a fresh Node device with an empty pack store on disk
   * fetches the whole DAG of `root` (`bytes` of plaintext) over the batched
   * exchange, `hashPieces` as the desktop host passes it (blocks kept in the
   * pieces they arrived in), or joined and hashed whole without it; records
   * MB/s and CPU ms per MB of the device and of the peer serving.
   */
  async restoreNode (root: CID, bytes: number, results: Results, hashPieces: HashPieces | undefined, name: string): Promise<void> {
    const storeDir = join(this.dir, `device-${++this.devices}`)
    const blockstore = await createFsBlockstore(storeDir)
    let device: Awaited<ReturnType<typeof startBenchDevice>> | undefined
    try {
      device = await startBenchDevice(blockstore, nodeWebSockets(), this.targets.vaultKey)
      await connectDevice(device, this.targets, 'direct')
      const before = this.cpuNow()
      const monotonic0 = process.hrtime.bigint()
      const restored = await timeRestore(device, root, DEFAULT_BLOCK_CONCURRENCY, true, hashPieces)
      const after = this.cpuNow()
      if (process.env.CAIRN_BENCH_CPU_PROF !== undefined) console.log(`  profile window ${name}: ${monotonic0 / 1000n}-${process.hrtime.bigint() / 1000n} µs`)
      const value = mbPerSecond(bytes, restored.ms)
      const perMB = (i: 0 | 1): number => (after[i] - before[i]) / (bytes / 1e6)
      results.add({ name, value, unit: 'MB/s' })
      results.add({ name: `cpu.${name}.device`, value: perMB(0), unit: 'ms/MB' })
      results.add({ name: `cpu.${name}.peer`, value: perMB(1), unit: 'ms/MB' })
      results.add({ name: `count.${name}.exchange_blocks`, value: restored.viaExchange, unit: 'blocks' })
      console.log(`  ${name}: ${value.toFixed(2)} MB/s, CPU ms/MB device ${perMB(0).toFixed(1)}, peer ${perMB(1).toFixed(1)}; ${restored.viaExchange} blocks over the exchange`)
    } finally {
      await device?.stop()
      await blockstore.stop()
      await rm(storeDir, { recursive: true, force: true })
    }
  }

  async stop (): Promise<void> {
    const codes = [await this.peer.stop(), await this.relay.stop()]
    await rm(this.dir, { recursive: true, force: true })
    if (codes.some((c) => c !== 0)) console.log(`  the peer and relay exited with ${codes.join(', ')}:\n${this.peer.log().slice(-4000)}\n${this.relay.log().slice(-4000)}`)
  }
}
