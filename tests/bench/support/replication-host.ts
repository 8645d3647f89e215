import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { startPeer, type RunningPeer } from '../../../relay-server/peer/start-peer.ts'
import { nodeWebSockets } from '../../../relay-server/shared/node-websockets.ts'
import { startRelay, type RunningRelay } from '../../../relay-server/relay/start-relay.ts'
import { mbPerSecond } from '../browser/bench-context.ts'
import { connectDevice, randomStream, startBenchDevice, storeFileWithKey, timeReplication, type ReplicationPath, type ReplicationTargets } from '../browser/replicate-device.ts'
import type { Results } from './report.ts'

/**
 * The Node half of the replication figures: a relay and a backup peer
 * (relay-server's own start functions, 127.0.0.1, free ports, fresh data
 * directory) and the Node reference device (`replicate.node.*`).
 */
export class ReplicationHost {
  private constructor (
    readonly targets: ReplicationTargets,
    private readonly relay: RunningRelay,
    private readonly peer: RunningPeer,
    private readonly dir: string
  ) {}

  /** `fetchConcurrency`: the peer's `--fetch-concurrency` (default: the peer's own default). */
  static async start (fetchConcurrency?: number): Promise<ReplicationHost> {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-replication-'))
    let relay: RunningRelay | undefined
    try {
      relay = await startRelay({ wsPort: 0, httpPort: 0, webrtcDirect: false, keyFile: join(dir, 'relay.key'), logLevel: 'warn' })
      const relayWs = relay.multiaddrs.find((ma) => ma.includes('/ws/'))
      if (relayWs === undefined) throw new Error(`the relay listens on no WebSocket: ${relay.multiaddrs.join(', ')}`)
      const peer = await startPeer({ dataDir: join(dir, 'peer'), wsPort: 0, webrtcDirect: false, relay: [relayWs], logLevel: 'warn', ...(fetchConcurrency !== undefined ? { fetchConcurrency } : {}) })
      const direct = peer.multiaddrs.find((ma) => ma.includes('/ws/') && !ma.includes('/p2p-circuit'))
      if (direct === undefined || peer.pairingCode === null) throw new Error('the peer has no WebSocket address or no pairing code')
      const vaultKey = [...globalThis.crypto.getRandomValues(new Uint8Array(32))]
      const targets = { direct, relay: `${relayWs}/p2p-circuit/p2p/${peer.peerId}`, pairingCode: peer.pairingCode, vaultKey }
      return new ReplicationHost(targets, relay, peer, dir)
    } catch (err) {
      await relay?.stop()
      await rm(dir, { recursive: true, force: true })
      throw err
    }
  }

  /**
   * One `replicate.node.<path>` repetition: a fresh Node device (memory
   * stores, WebSockets) stores `bytes` of encrypted random data, untimed,
   * then replicates it; records MB/s of plaintext. It dials as the desktop
   * app does (`nodeWebSockets()`); `transport` swaps that for a comparison.
   */
  async replicateNode (path: ReplicationPath, bytes: number, results: Results, transport = nodeWebSockets(), label = '', prefix = ''): Promise<void> {
    const blockstore = new MemoryBlockstore()
    const root = (await storeFileWithKey(blockstore, randomStream(bytes))).root
    const device = await startBenchDevice(blockstore, transport, this.targets.vaultKey)
    try {
      const address = await connectDevice(device, this.targets, path)
      const cpu = process.cpuUsage()
      const ms = await timeReplication(device, address, root, 1)
      const used = process.cpuUsage(cpu)
      const value = mbPerSecond(bytes, ms)
      // CPU per MB moves less than MB/s when other programs load the machine.
      const cpuMsPerMB = (used.user + used.system) / 1000 / (bytes / 1e6)
      results.add({ name: `${prefix}replicate.node.${path}${label}`, value, unit: 'MB/s' })
      results.add({ name: `cpu.replicate.node.${path}${label}`, value: cpuMsPerMB, unit: 'ms/MB' })
      console.log(`  ${prefix}replicate.node.${path}${label}: ${value.toFixed(2)} MB/s, ${cpuMsPerMB.toFixed(1)} CPU ms/MB (device, peer and relay together)`)
    } finally {
      await device.stop()
    }
  }

  async stop (): Promise<void> {
    await this.peer.stop()
    await this.relay.stop()
    await rm(this.dir, { recursive: true, force: true })
  }
}
