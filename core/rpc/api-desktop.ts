/**
 * What only the desktop app answers: its own backup peer (the ciphertext-only
 * service `cairn-peer` runs, inside the desktop process). Part of the node's
 * API contract: see api.ts, which re-exports it. Everything here must survive
 * structured clone.
 */

/** The desktop's backup peer, as "This computer is a backup peer" shows it. */
export interface DesktopBackupPeerInfo {
  /** The backup peer's own peer id (not the desktop device's). */
  peerId: string
  /**
   * The multiaddr to pair with (ends in /p2p/<peerId>): the circuit address
   * through a relay when there is one, so browsers elsewhere reach it; else
   * its WebSocket address on this computer.
   */
  address: string
  /** A fresh one-time pairing code (15 minutes), as `cairn-peer pair` prints. */
  pairingCode: string
}

/** Settings → "Connections from your network" (the desktop app only). */
export interface DesktopNetworkSettings {
  /** The saved choice: accept libp2p connections from other machines (default off: loopback only). */
  acceptFromNetwork: boolean
  /** What this run listens on: the choice applies when Cairn next starts. */
  acceptingNow: boolean
}
