import type { PassphraseCheck } from '../crypto/passphrase-check.ts'

/**
 * The vault and the node: lock state, stats, the node's identity, log lines.
 * Part of the node's API contract: see api.ts, which re-exports it. Everything
 * here must survive structured clone.
 */

export type { VaultState, VaultStatus } from '../vault/vault-views.ts'

export interface VaultStats {
  fileCount: number
  /** Bytes of plaintext the user stored (sum of file sizes). */
  plaintextBytes: number
  /** Bytes of blocks Cairn holds in its blockstore. */
  storedBytes: number
}

export interface NodeInfo {
  peerId: string
  multiaddrs: string[]
  /** Number of open libp2p connections. */
  connections: number
}

/** How loud a line is, and one line of the node's log: defined beside the `Log` interface at the bottom of core/. */
export type { LogLevel, LogLine } from '../log.ts'

/** Passphrase strength as judged by the node (the UI only shows it); defined beside the estimator. */
export type { PassphraseCheck }
