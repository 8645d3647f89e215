import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CID } from 'multiformats/cid'
import type { CairnHelia } from '../../../core/node/create-node.ts'
import type { BackupStatus } from '../../../relay-server/peer/backup-factory.ts'
import { controlRequest } from '../../../relay-server/peer/control-socket.ts'
import type { PeerStatus } from '../../../relay-server/peer/peer-status.ts'
import { startServerProcess } from '../../e2e/support/server-process.ts'
import { randomStream, startBenchDevice, storeFileWithKey, type BenchDevice } from '../browser/replicate-device.ts'

export interface FaninOptions {
  vaults: number
  /** Roots (files) each vault backs up. */
  rootsPerVault: number
  /** Bytes of each file. */
  fileBytes: number
}

export interface FaninResult {
  /** The slowest vault's bytes received ÷ the fair share (all bytes received ÷ vaults), from when every manifest was accepted until half of what was left arrived. */
  minShare: number
  /** The same for the fastest vault. */
  maxShare: number
  /** Seconds until half of all bytes were received. */
  halfSeconds: number
  /** MB/s over all vaults until then. */
  totalMBps: number
}

/** Wants the bench devices were sent by the peer: all, and those for a block the device does not hold (another vault's). */
interface WantsHeard { all: number, foreign: number }

/** The part of @helia/bitswap 4 read here: each bitswap message a node receives (network.ts 'bitswap:message'). */
interface BitswapNetwork { addEventListener: (type: 'bitswap:message', listener: (event: CustomEvent<{ message: { wantlist?: { entries: Array<{ cid: Uint8Array, cancel?: boolean }> } } }>) => void) => void }

/** Counts, into `heard`, the wants `helia` receives, and those for blocks `blockstore` lacks. */
function countWants (helia: CairnHelia, blockstore: MemoryBlockstore, heard: WantsHeard): void {
  const brokers = (helia as unknown as { blockBrokers: Array<{ name: string, bitswap?: { network: BitswapNetwork } }> }).blockBrokers
  brokers.find((broker) => broker.name === 'bitswap')?.bitswap?.network.addEventListener('bitswap:message', (event) => {
    for (const entry of event.detail.message.wantlist?.entries ?? []) {
      if (entry.cancel === true) continue
      heard.all++
      void Promise.resolve(blockstore.has(CID.decode(entry.cid))).then((has) => { if (!has) heard.foreign++ })
    }
  })
}

const POLL_MS = 100
const TIMEOUT_MS = 300_000
const PEER_BIN = new URL('../../../relay-server/bin/cairn-peer.js', import.meta.url).pathname
const READY_PREFIX = 'CAIRN_PEER_READY'

/**
 * `vaults` vaults, each on its own device node with its own vault key and
 * pairing, send the backup peer (the real `cairn-peer` process on a temp
 * data directory, WebSocket on 127.0.0.1) manifests pinning
 * `rootsPerVault` encrypted files at the same moment. The peer's status
 * (over its control socket) is read every 100 ms: each vault's bytes held
 * plus bytes in flight. From when the peer accepted every manifest until
 * half of what was left arrived, each vault's share is its bytes ÷ (all
 * bytes ÷ vaults): 1 for all is perfectly fair, 0 is a starved vault.
 */
export async function measureFanin (options: FaninOptions, log: (line: string) => void): Promise<FaninResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-fanin-'))
  const dataDir = join(dir, 'peer')
  const peer = await startServerProcess<{ multiaddrs: string[] }>(PEER_BIN, ['--data-dir', dataDir, '--ws-port', '0', '--no-webrtc-direct', '--log-level', 'warn'], READY_PREFIX, 120_000)
  const devices: BenchDevice[] = []
  const heard: WantsHeard = { all: 0, foreign: 0 }
  try {
    const direct = peer.ready.multiaddrs.find((ma) => ma.includes('/ws/') && !ma.includes('/p2p-circuit'))
    if (direct === undefined) throw new Error('the peer has no WebSocket address')
    const address = multiaddr(direct)
    const vaults: Array<{ device: BenchDevice, roots: string[] }> = []
    let pairedAt: number[] = []
    for (let v = 0; v < options.vaults; v++) {
      // The peer's libp2p takes at most 5 new connections a second from one address (every device here is 127.0.0.1).
      pairedAt = pairedAt.filter((at) => performance.now() - at < 1100)
      if (pairedAt.length >= 4) await new Promise((resolve) => setTimeout(resolve, 1100 - (performance.now() - (pairedAt[0] ?? 0))))
      const blockstore = new MemoryBlockstore()
      const roots: string[] = []
      for (let r = 0; r < options.rootsPerVault; r++) roots.push((await storeFileWithKey(blockstore, randomStream(options.fileBytes))).root.toString())
      const device = await startBenchDevice(blockstore, webSockets(), [...globalThis.crypto.getRandomValues(new Uint8Array(32))])
      devices.push(device)
      countWants(device.helia, blockstore, heard)
      const { pairingCode } = await controlRequest(dataDir, 'pair') as { pairingCode: string }
      await device.client.pair(address, pairingCode)
      // Paired: the device serves the peer its blocks over the batched exchange, as an app device does.
      device.ours.add(address.getComponents().findLast((c) => c.name === 'p2p')?.value ?? '')
      pairedAt.push(performance.now())
      vaults.push({ device, roots })
    }
    log(`    fan-in: ${options.vaults} vaults paired, ${options.rootsPerVault} × ${options.fileBytes} bytes each`)

    // The manifests go out together; the window opens once the peer accepted all of them, so
    // every vault is competing in it (whoever was accepted first had the slots to itself until then).
    await Promise.all(vaults.map(async ({ device, roots }) => {
      await device.client.sendManifest(address, { device: device.helia.libp2p.peerId.toString(), seq: 1, pin: roots, unpin: [] })
    }))
    const received = async (): Promise<Map<string, number>> => {
      const status = ((await controlRequest(dataDir, 'status')) as PeerStatus).backup as BackupStatus
      return new Map(status.vaults.map((vault) => [vault.vault, vault.bytes + (vault.inFlightBytes ?? 0)]))
    }
    const start = performance.now()
    const baseline = await received()
    const total = options.vaults * options.rootsPerVault * options.fileBytes
    const left = total - [...baseline.values()].reduce((a, b) => a + b, 0)
    for (;;) {
      const now = await received()
      const gained = [...now].map(([vault, bytes]) => bytes - (baseline.get(vault) ?? 0))
      const sum = gained.reduce((a, b) => a + b, 0)
      // Encrypted files are a little larger than their plaintext: half of what is left is reached a little early.
      if (sum >= left / 2 && gained.length === options.vaults) {
        const seconds = (performance.now() - start) / 1000
        const fair = sum / options.vaults
        log(`    fan-in: the devices were sent ${heard.all} wants until then, ${heard.foreign} of them for another vault's blocks`)
        return { minShare: Math.min(...gained) / fair, maxShare: Math.max(...gained) / fair, halfSeconds: seconds, totalMBps: sum / 1e6 / seconds }
      }
      if (performance.now() - start > TIMEOUT_MS) {
        // No figure rather than a misleading one; the other figures of the run stand.
        log(`    fan-in: only ${sum} of ${left} bytes arrived in ${TIMEOUT_MS / 1000} s; no share figure`)
        return { minShare: Number.NaN, maxShare: Number.NaN, halfSeconds: Number.NaN, totalMBps: sum / 1e6 / (TIMEOUT_MS / 1000) }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  } finally {
    for (const device of devices) await device.stop().catch(() => {})
    await peer.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
