/**
 * The network and backup: connections, relays, backup peers and their verify reports.
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

/** One open libp2p connection, as the Peers page shows it. */
export interface ConnectionInfo {
  peerId: string
  remoteAddr: string
  /** 'relayed' when it goes through a circuit relay. */
  transport: 'direct' | 'relayed'
  direction: 'inbound' | 'outbound'
  /** Round trip of the last ping, when one was measured. */
  latencyMs?: number
  openedAt: number
  /** Bytes received and sent on this connection, when counted. */
  bytesIn?: number
  bytesOut?: number
}

export interface NetworkStatus {
  peerId: string
  multiaddrs: string[]
  connections: ConnectionInfo[]
  /** Addresses the node keeps connected (relays and backup peers), redialled when lost. */
  kept: Array<{ address: string, peerId: string, connected: boolean, lastError?: string }>
  relays: string[]
}

/** What a relay says about itself on GET /ping. */
export interface RelayPing {
  service: string
  version: string
  peerId: string
  multiaddrs: string[]
  capabilities: string[]
}

/** A backup peer as the device sees it, and a verify report: defined beside the device side of the backup protocol. */
export type { AddedBackupPeer, BackupPeerInfo, VerifyResult } from '../protocols/backup/device/peer-status.ts'
