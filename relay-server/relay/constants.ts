/** The name the relay gives in identify and in HTTP /ping. */
export const SERVICE_NAME = 'cairn-relay'

/** Prefix of the one machine-readable start-up line on stdout: `CAIRN_RELAY_READY {json}`. */
export const READY_PREFIX = 'CAIRN_RELAY_READY'

/** WebSocket port (TCP) by default; WebRTC-direct uses the same number over UDP. */
export const DEFAULT_WS_PORT = 4101

/** The HTTP endpoints listen on the WebSocket port + this (web/lib/relay-url.ts assumes it). */
export const DEFAULT_HTTP_PORT_OFFSET = 1

/** Relative to the working directory: DESIGN §7 puts local data under ./.cairn/. */
export const DEFAULT_KEY_FILE = './.cairn/relay/key'

/** Refusals of one kind are logged at most once per this window (with a count of the rest). */
export const REFUSAL_LOG_WINDOW_MS = 10_000

/**
 * How long a new TCP connection to the WebSocket port may take to finish its
 * HTTP upgrade. libp2p's own inbound upgrade timeout (10 s) starts only
 * after it; before, nothing else would ever close a socket that sends nothing.
 */
export const UPGRADE_TIMEOUT_MS = 10_000
