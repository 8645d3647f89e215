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

export interface BackupPeerInfo {
  peerId: string
  address: string
  online: boolean
  /** ms since epoch of the last successful exchange, 0 when never. */
  lastSeen: number
  /** Files whose content the peer holds completely. */
  filesReplicated: number
  bytesReplicated: number
  /** Items the peer still has to fetch. */
  pending: number
  failed: Array<{ cid: string, reason: string }>
  /** Last error talking to it, if the last attempt failed. */
  lastError?: string
  /** What the peer does with what the vault deletes: keeps it `retentionMs`, or for good when append-only (absent until it says). */
  keepsDeleted?: { appendOnly: boolean, retentionMs: number }
}

/** A peer just added; `reconnected` when it already kept this vault (the code was not needed). */
export interface AddedBackupPeer extends BackupPeerInfo {
  reconnected: boolean
}

export interface VerifyResult {
  checked: number
  ok: number
  bad: string[]
  /** Each bad block with the file it belongs to (named by this device; the peer never learns names) and whether the peer fetched a good copy again. */
  damaged?: Array<{ cid: string, file?: string, repaired: boolean }>
}
