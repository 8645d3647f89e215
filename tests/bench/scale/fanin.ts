import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core/memory'
import type { BackupStatus } from '../../../relay-server/peer/backup-factory.ts'
import { startPeer } from '../../../relay-server/peer/start-peer.ts'
import { randomStream, startBenchDevice, storeFileWithKey, type BenchDevice } from '../browser/replicate-device.ts'

export interface FaninOptions {
  vaults: number
  /** Roots (files) each vault backs up. */
  rootsPerVault: number
  /** Bytes of each file. */
  fileBytes: number
}

export interface FaninResult {
  /** The slowest vault's bytes received ÷ the fair share (all bytes received ÷ vaults), when half were received. */
  minShare: number
  /** The same for the fastest vault. */
  maxShare: number
  /** Seconds until half of all bytes were received. */
  halfSeconds: number
  /** MB/s over all vaults until then. */
  totalMBps: number
}

const POLL_MS = 100
const TIMEOUT_MS = 600_000

/**
 * `vaults` vaults, each on its own device node with its own vault key and
 * pairing, send the backup peer (relay-server's startPeer, real stores in a
 * temp directory, WebSocket on 127.0.0.1) manifests pinning
 * `rootsPerVault` encrypted files at the same moment. The peer's status
 * is read every 100 ms: each vault's bytes held plus bytes in flight. Once
 * half of all bytes arrived, each vault's share is its bytes ÷ (all bytes
 * ÷ vaults): 1 for all is perfectly fair, 0 is a starved vault.
 */
export async function measureFanin (options: FaninOptions, log: (line: string) => void): Promise<FaninResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-fanin-'))
  const peer = await startPeer({ dataDir: join(dir, 'peer'), wsPort: 0, webrtcDirect: false, logLevel: 'warn' })
  const devices: BenchDevice[] = []
  try {
    const direct = peer.multiaddrs.find((ma) => ma.includes('/ws/') && !ma.includes('/p2p-circuit'))
    if (direct === undefined) throw new Error('the peer has no WebSocket address')
    const address = multiaddr(direct)
    const vaults: Array<{ device: BenchDevice, roots: string[] }> = []
    for (let v = 0; v < options.vaults; v++) {
      const blockstore = new MemoryBlockstore()
      const roots: string[] = []
      for (let r = 0; r < options.rootsPerVault; r++) roots.push((await storeFileWithKey(blockstore, randomStream(options.fileBytes))).root.toString())
      const device = await startBenchDevice(blockstore, webSockets(), [...globalThis.crypto.getRandomValues(new Uint8Array(32))])
      devices.push(device)
      await device.client.pair(address, await peer.createPairingCode())
      vaults.push({ device, roots })
    }
    log(`    fan-in: ${options.vaults} vaults paired, ${options.rootsPerVault} × ${options.fileBytes} bytes each`)

    const start = performance.now()
    await Promise.all(vaults.map(async ({ device, roots }) => {
      await device.client.sendManifest(address, { device: device.helia.libp2p.peerId.toString(), seq: 1, pin: roots, unpin: [] })
    }))
    const total = options.vaults * options.rootsPerVault * options.fileBytes
    for (;;) {
      const status = (await peer.status()).backup as BackupStatus
      const received = status.vaults.map((vault) => vault.bytes + (vault.inFlightBytes ?? 0))
      const sum = received.reduce((a, b) => a + b, 0)
      // Encrypted files are a little larger than their plaintext: half of the plaintext is under half of the DAG bytes.
      if (sum >= total / 2 && received.length === options.vaults) {
        const seconds = (performance.now() - start) / 1000
        const fair = sum / options.vaults
        return { minShare: Math.min(...received) / fair, maxShare: Math.max(...received) / fair, halfSeconds: seconds, totalMBps: sum / 1e6 / seconds }
      }
      if (performance.now() - start > TIMEOUT_MS) throw new Error(`fan-in: only ${sum} of ${total} bytes after ${TIMEOUT_MS / 1000} s`)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  } finally {
    for (const device of devices) await device.stop().catch(() => {})
    await peer.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
