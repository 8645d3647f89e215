/** The name the backup peer gives in identify and in its logs. */
export const SERVICE_NAME = 'cairn-peer'

/** Prefix of the one machine-readable start-up line on stdout: `CAIRN_PEER_READY {json}`. */
export const READY_PREFIX = 'CAIRN_PEER_READY'

/**
 * WebSocket port (TCP) by default; WebRTC-direct uses the same number over
 * UDP. The relay takes 4101 (WebSocket) and 4102 (its HTTP endpoints).
 */
export const DEFAULT_WS_PORT = 4103

/** Relative to the working directory: DESIGN §7 puts local data under ./.cairn/. */
export const DEFAULT_DATA_DIR = './.cairn/peer'

/** Fetches from devices in flight at once (DESIGN §5: bounded concurrency). */
export const DEFAULT_FETCH_CONCURRENCY = 3

/** How long an unpinned block is kept before it is deleted (DESIGN §5). */
export const DEFAULT_RETENTION_MS = 30 * 86_400_000

/** Roots one vault may have on this peer unless told otherwise (see core/protocols/backup/constants.ts). */
export const DEFAULT_MAX_ROOTS_PER_VAULT = 1_000_000

/** What one vault may store on this peer unless told otherwise. */
export const DEFAULT_QUOTA_PER_VAULT = 10 * 2 ** 30

/**
 * Bytes a WebRTC data channel may hold unread before the stream is reset.
 * libp2p's 4 MiB default breaks bitswap over WebRTC (DESIGN §6: measured
 * failures): one bitswap message carries up to a few MiB of blocks, and a
 * busy reader falls behind by more than one.
 */
export const WEBRTC_READ_BUFFER_BYTES = 64 * 2 ** 20

/** How long start-up waits for the relay reservation before printing READY without it. */
export const RELAY_RESERVATION_WAIT_MS = 10_000

/** The control socket's file name (`cairn-peer pair` and `status` talk to it). */
export const CONTROL_SOCKET_NAME = 'control.sock'

/** How long a pairing code pairs after it was made (DESIGN §5; `cairn-peer pair` makes a fresh one). */
export const DEFAULT_PAIRING_CODE_TTL_MS = 15 * 60_000
/** The directory in the data directory that holds the control socket, mode 0700 (only the peer's user may open it). */
export const CONTROL_DIR_NAME = 'control'

/**
 * Open sockets to the WebSocket port from one IP address (IPv6: one /64),
 * upgraded or not, and sockets still before their upgrade from everyone
 * (relay-server/relay/socket-caps.ts): libp2p never sees a socket that sends
 * nothing, so without these one stranger could hold every file descriptor.
 * A household behind one address has a few devices with a connection or two each.
 */
export const MAX_CONNECTIONS_PER_IP = 32
export const MAX_PENDING_SOCKETS = 64

/**
 * New inbound connections per second from one IP key (IPv6: one /64), as the
 * relay's default. libp2p's own cap (5 a second) counts single addresses, so a
 * host rotating through its /64 would pass it.
 */
export const NEW_CONNECTIONS_PER_SECOND_PER_IP = 10
