/*
 * What the device side of the backup protocol reports about its peers. The
 * node's API returns these as they are (core/rpc/api-network.ts re-exports
 * them), so everything here must survive structured clone.
 */

import type { ErrorCode } from '../../../errors.ts'

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
  /** Last error talking to it, if the last attempt failed (its text, for the log and the curious). */
  lastError?: string
  /** The code of that error, when it had one: the UI says it in words (web/error-messages.ts). */
  lastErrorCode?: ErrorCode
  /** What the peer does with what the vault deletes: keeps it `retentionMs`, or for good when append-only (absent until it says). */
  keepsDeleted?: { appendOnly: boolean, retentionMs: number }
  /** The devices (PeerIds) whose index chains the peer holds, from its `heads` answer (absent until it says). */
  devices?: string[]
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
