import type { Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The small contracts pairing needs from its host (a libp2p node and a log
 * fit them as they are), so this folder imports neither core/node nor core/vault.
 */

/** A log (core/node's Log and the peer's logger fit). */
export interface PairingLog {
  info: (message: string) => void
  warn: (message: string) => void
}

/** The connection a stream came on: the PeerId Noise authenticated, and the address it came from (a rendezvous counts by its IP). */
export interface PairingConnection {
  remotePeer: { toString: () => string }
  remoteAddr: Multiaddr
}

/** Mounts protocol handlers (libp2p's `handle`/`unhandle`). */
export interface PairingRegistrar {
  handle: (protocol: string, handler: (stream: Stream, connection: PairingConnection) => void | Promise<void>, options?: { runOnLimitedConnection?: boolean }) => Promise<void>
  unhandle: (protocol: string) => Promise<void>
}

/** Opens a stream to a peer (libp2p's `dial` + `newStream`, see `libp2pDialer`). */
export interface PairingDialer {
  /** Dials `addresses` (each ending in /p2p/<peer>) and opens `protocol`; `remotePeer` is the PeerId Noise authenticated. */
  open: (addresses: string[], protocol: string, options: { signal: AbortSignal }) => Promise<{ stream: Stream, remotePeer: string }>
}
