import type { CairnHelia } from '../../core/node/create-node.ts'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { Logger } from '../shared/log.ts'

/**
 * What the peer process needs from the backup protocol's service
 * (core/protocols/backup): the peer hosts it, starts and stops it, asks it
 * for pairing codes and for its status. Kept to these few calls so the
 * process does not depend on the protocol's internals.
 */
export interface BackupHost {
  start: () => Promise<void>
  stop: () => Promise<void>
  /** A new one-time pairing code. */
  createPairingCode: () => Promise<string>
  /**
   * The code printed at start: null once a vault is paired; otherwise an
   * unused code, made only when there is none (restarting an unpaired peer
   * does not pile up codes).
   */
  startupPairingCode: () => Promise<string | null>
  /** Vaults, bytes, pending and failed items, as plain JSON (for `cairn-peer status`). */
  status: () => Promise<unknown>
}

/** The parts the backup service runs on. */
export interface BackupHostComponents {
  helia: CairnHelia
  datastore: Datastore
  blockstore: Blockstore
  log: Logger
}

/** The peer's settings the backup service takes. */
export interface BackupHostInit {
  /** Bytes one vault may keep here. */
  quotaBytes: number
  /** Fetches in flight at once. */
  concurrency: number
  /** How long an unpinned block is kept. */
  retentionMs: number
  /** How long a pairing code pairs after it was made. */
  pairingCodeTtlMs?: number
  /** WebRTC read buffer granted to a paired vault's connections (bytes). */
  provenReadBufferBytes?: number
  /** Refuse every deletion (`--append-only`). */
  appendOnly?: boolean
  /** Most roots per vault. */
  maxRoots?: number
}

/** Builds the backup service of a peer. */
export type BackupHostFactory = (components: BackupHostComponents, init: BackupHostInit) => BackupHost
