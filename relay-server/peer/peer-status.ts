import type { CairnHelia } from '../../core/node/create-node.ts'
import type { PeerKeeper } from '../../core/node/peer-keeper.ts'
import type { PackBlockstore, PackBlockstoreStats } from '../../core/storage/pack-blockstore.ts'
import type { BackupHost } from './backup-host.ts'

/** What `cairn-peer status` shows: the node, its storage and the backup service's own status. */
export interface PeerStatus {
  version: string
  peerId: string
  dataDir: string
  multiaddrs: string[]
  /** Open connections, and how many of them are relayed. */
  connections: { open: number, relayed: number }
  /** Relays the peer keeps a connection (and reservation) with. */
  relays: Array<{ address: string, connected: boolean, reserved: boolean, lastError?: string }>
  /** Blocks held on disk, over all vaults. */
  storage: PackBlockstoreStats
  /** The backup service's status (vaults, bytes, pending, failed); null when the build has none. */
  backup: unknown
  /** The process itself: CPU time used since it started (µs) and resident memory, to spot a peer that spins or grows. */
  process: { cpuMicros: number, rssBytes: number, uptimeMs: number }
}

export interface PeerStatusComponents {
  helia: CairnHelia
  blockstore: PackBlockstore
  keeper: PeerKeeper
  backup: BackupHost | undefined
  dataDir: string
  version: string
}

/** Gathers a {@link PeerStatus} from the running parts. */
export async function peerStatus (c: PeerStatusComponents): Promise<PeerStatus> {
  const libp2p = c.helia.libp2p
  const multiaddrs = libp2p.getMultiaddrs().map((ma) => ma.toString())
  const open = libp2p.getConnections().filter((conn) => conn.status === 'open')
  return {
    version: c.version,
    peerId: libp2p.peerId.toString(),
    dataDir: c.dataDir,
    multiaddrs,
    connections: { open: open.length, relayed: open.filter((conn) => conn.remoteAddr.toString().includes('/p2p-circuit')).length },
    relays: c.keeper.status().map((relay) => ({
      address: relay.address,
      connected: relay.connected,
      reserved: multiaddrs.some((ma) => ma.includes(`/p2p/${relay.peerId}/p2p-circuit`)),
      ...(relay.lastError !== undefined ? { lastError: relay.lastError } : {})
    })),
    storage: c.blockstore.stats(),
    backup: c.backup !== undefined ? await c.backup.status() : null,
    process: processUsage()
  }
}

function processUsage (): PeerStatus['process'] {
  const cpu = process.cpuUsage()
  return { cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss(), uptimeMs: Math.round(process.uptime() * 1000) }
}
