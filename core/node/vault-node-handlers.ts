import type { CairnHelia } from './create-node.ts'
import { createNodeHandlers } from './node-handlers.ts'
import { createHistoryHandlers } from './history-handlers.ts'
import { createFolderHandlers } from './folder-handlers.ts'
import { createNetworkHandlers } from './network-handlers.ts'
import type { PeerKeeper } from './peer-keeper.ts'
import type { TrafficMetrics } from './traffic-metrics.ts'
import { createBackupHandlers } from './backup-handlers.ts'
import type { CID } from 'multiformats/cid'
import { createShareHandlers } from './share-handlers.ts'
import { createDeviceHandlers } from './device-handlers.ts'
import { createFileLocationHandlers } from './file-location-handlers.ts'
import { createDeviceRemovalHandlers } from './device-removal-handlers.ts'
import type { createVaultDeviceRemoval } from './vault-device-removal.ts'
import type { Devices } from './devices.ts'
import type { DeviceHoldings } from './device-holdings.ts'
import { createStorageHandlers } from './storage-handlers.ts'
import { notOnThisHostHandlers } from './desktop-only-handlers.ts'
import type { BackupPeers } from '../protocols/backup/device/backup-peers.ts'
import { blockLinks } from '../protocols/backup/dag-fetch.ts'
import { readWholeBlock } from '../storage/read-block.ts'
import type { BlockRepair } from '../vault/block-repair.ts'
import type { FileHealthBook } from '../vault/file-health.ts'
import type { FileLocations } from '../vault/file-locations.ts'
import type { VaultService } from '../vault/vault-service.ts'
import type { VaultShares } from '../vault/vault-shares.ts'
import type { FileDamage } from '../rpc/api.ts'
import type { HandlerMap } from '../rpc/handlers.ts'
import type { VaultNodeHost } from './vault-node.ts'
import type { Notices } from './notices.ts'
import { createNoticeHandlers } from './notice-handlers.ts'
import { createSyncHandlers } from './sync-handlers.ts'
import type { FolderSyncService } from '../folder-sync/folder-sync-service.ts'
import { createThumbnailHandlers } from './thumbnail-handlers.ts'
import type { FetchedBlock } from '../protocols/blocks/fetched-block.ts'

/** The assembled node's parts that answer the pages' calls. */
export interface VaultNodeParts {
  host: VaultNodeHost
  /** The host's emit, with the node's own listeners (notices) behind it. */
  emit: VaultNodeHost['emit']
  notices: Notices
  helia: CairnHelia
  vault: VaultService
  backups: BackupPeers
  shares: VaultShares
  devices: Devices
  locations: FileLocations
  holdings: DeviceHoldings
  removal: ReturnType<typeof createVaultDeviceRemoval>
  repair: BlockRepair
  health: FileHealthBook
  keeper: PeerKeeper
  traffic: TrafficMetrics
  fileHealth: (damage: FileDamage) => void
  relays: () => string[]
  setRelays: (next: string[]) => Promise<void>
  folderSync: FolderSyncService
  /** Fetches a block this device lacks over the batched exchange (bitswap behind it) and keeps it; in pieces as it arrived (the restore's prefetch reads only its size and links). */
  fetchBlock: (cid: CID, signal: AbortSignal) => Promise<FetchedBlock>
}

/** Every RPC method of the node (core/rpc/api.ts), answered by its parts. */
export function vaultNodeHandlers (p: VaultNodeParts): HandlerMap {
  const { host, helia, vault, backups, locations, holdings } = p
  const { logs, stores } = host
  const { emit } = p
  const filesChanged = (): void => { emit('files.changed', undefined); backups.changed(); locations.filesChanged() }
  return {
    ...createNodeHandlers({
      vault,
      helia,
      logs,
      storedBytes: async () => stores.storedBytes(),
      onUploadProgress: (progress) => { p.notices.uploadProgress(progress); emit('upload.progress', progress) },
      onFilesChanged: filesChanged,
      log: logs.for('files'),
      onBackup: (cid) => backups.holds(cid),
      healthOf: (fileId) => p.health.get(fileId),
      openShared: host.openShared
    }),
    ...createNetworkHandlers({
      helia,
      keeper: p.keeper,
      relays: p.relays,
      setRelays: p.setRelays,
      fetch: globalThis.fetch.bind(globalThis),
      traffic: p.traffic
    }),
    ...createBackupHandlers({ vault, backups, helia, datastore: stores.datastore, log: logs.for('backup'), fetchBlock: p.fetchBlock }),
    ...createShareHandlers(p.shares),
    ...createDeviceHandlers(p.devices.handlers, createFileLocationHandlers({ vault, locations, onFilesChanged: filesChanged, beforeFree: async () => { await holdings.askConnected() }, onLocationsAsked: () => { holdings.refreshStale() } })),
    ...createDeviceRemovalHandlers(p.removal, () => { emit('devices.changed', undefined); emit('backup.changed', undefined) }, logs.for('devices')),
    ...createHistoryHandlers({ vault, onFilesChanged: filesChanged }),
    ...createStorageHandlers({
      store: stores.blockstore,
      repair: p.repair,
      files: () => vault.status().state === 'unlocked' ? vault.files().namedContent() : [],
      readLocal: async (cid) => await readWholeBlock(stores.blockstore, cid),
      linksOf: async (cid, bytes) => await blockLinks(helia, cid, bytes),
      log: logs.for('storage'),
      onProgress: (progress) => { emit('storage.check.progress', progress) },
      onFileHealth: p.fileHealth
    }),
    // The desktop daemon answers these itself (desktop/daemon/backup-peer.ts) over this map.
    ...notOnThisHostHandlers(),
    ...createNoticeHandlers(p.notices),
    ...createFolderHandlers({ vault, onFilesChanged: filesChanged }),
    ...createSyncHandlers(() => p.folderSync),
    ...createThumbnailHandlers(vault)
  }
}
