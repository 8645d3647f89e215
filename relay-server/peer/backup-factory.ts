import { BackupService, type PeerVaultSummary } from '../../core/protocols/backup/index.ts'
import type { BlockFetchStats } from '../../core/protocols/blocks/block-fetcher.ts'
import type { BlockServerStats } from '../../core/protocols/blocks/block-server.ts'
import type { BackupHost, BackupHostFactory } from './backup-host.ts'
import { sha256Pieces } from '../shared/sha256-pieces.ts'

/** The backup part of `cairn-peer status`. */
export interface BackupStatus {
  vaults: PeerVaultSummary[]
  /** Roots being fetched right now, over all vaults. */
  fetching: number
  /** Pairing codes made and not used yet. */
  unusedPairingCodes: number
  /** What happens to what a vault unpins or drops: kept this long, or (append-only) never deleted. */
  deletions?: { appendOnly: boolean, retentionMs: number }
  /** Blocks fetched since start over the batched exchange, over bitswap, and wrong blocks caught. */
  blocks?: BlockFetchStats
  /** What the peer answered devices over the batched exchange since start (a restore, kept files): blocks sent, "don't have", refused. */
  served?: BlockServerStats
}

/**
 * The backup service the `cairn-peer` bin runs: core/protocols/backup's
 * BackupService on the peer's node and datastore.
 */
export const defaultBackupFactory: BackupHostFactory = (components, init): BackupHost => {
  const service = new BackupService({ helia: components.helia, datastore: components.datastore, log: components.log, hashPieces: sha256Pieces }, {
    quotaBytes: init.quotaBytes,
    concurrency: init.concurrency,
    retentionMs: init.retentionMs,
    ...(init.pairingCodeTtlMs !== undefined ? { pairingCodeTtlMs: init.pairingCodeTtlMs } : {}),
    ...(init.provenReadBufferBytes !== undefined ? { provenReadBufferBytes: init.provenReadBufferBytes } : {}),
    ...(init.appendOnly !== undefined ? { appendOnly: init.appendOnly } : {}),
    ...(init.maxRoots !== undefined ? { maxRoots: init.maxRoots } : {})
  })
  return {
    start: async () => { await service.start() },
    stop: async () => { await service.stop() },
    createPairingCode: async () => await service.createPairingCode(),
    startupPairingCode: async () => {
      if (service.status().length > 0) return null
      return service.pendingPairingCodes().at(-1) ?? await service.createPairingCode()
    },
    status: async (): Promise<BackupStatus> => ({
      vaults: service.status(),
      fetching: service.fetching,
      unusedPairingCodes: service.pendingPairingCodes().length,
      deletions: { appendOnly: init.appendOnly ?? false, retentionMs: init.retentionMs },
      blocks: service.blockStats,
      served: service.servedStats
    })
  }
}
