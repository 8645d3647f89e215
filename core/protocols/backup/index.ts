/**
 * The backup protocol `/cairn/backup/1` (DESIGN §5): the peer's service,
 * the device's client, and the device's per-peer manifest outbox.
 */
export { BackupService, type BackupServiceComponents, type BackupServiceInit, type PeerVaultSummary } from './backup-service.ts'
export { BackupClient, peerIdOf, type BackupClientComponents, type BackupClientInit, type BackupPeer } from './backup-client.ts'
export { ManifestLog, MAX_ROOTS_PER_MANIFEST, type ManifestChange, type ManifestLogInit, type ManifestSnapshot } from './manifest-log.ts'
export { sendPendingManifests, type SendOptions } from './send-manifests.ts'
export { ManifestGapError } from './backup-errors.ts'
export { formatPairingCode, normalizePairingCode } from './pairing.ts'
export { BACKUP_PROTOCOL } from './constants.ts'
export type { FailedItem, ManifestBody, VaultBackupStatus, VerifyReport, WireHead } from './messages.ts'
export { gateBitswapAtStart } from './bitswap-gate.ts'
