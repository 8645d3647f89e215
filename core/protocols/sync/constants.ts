/** Limits of `/cairn/sync/1` (DESIGN §5). Changing them changes what peers accept. */

/** The libp2p protocol id. */
export const SYNC_PROTOCOL = '/cairn/sync/1'

/** Version inside the hello, so a later format can refuse this one in words. */
export const SYNC_VERSION = 1

/** Largest message: a batch of blocks as base64 (a block is at most 1 MiB sealed). */
export const MAX_SYNC_MESSAGE_BYTES = 8 * 1024 * 1024

/** A batch of blocks stops growing past this many block bytes (base64 makes ~4/3 of it). */
export const BATCH_BLOCK_BYTES = 4 * 1024 * 1024

/** Most blocks in one batch. */
export const BATCH_MAX_BLOCKS = 256

/** Most block bytes one session accepts from the other side (the rest waits for the next session). */
export const MAX_SESSION_BLOCK_BYTES = 512 * 1024 * 1024

/**
 * Most block bytes all sync sessions of one node hold at once, received and
 * not yet merged (budget.ts): the same as one session may take, so overlapping
 * sessions share it instead of each taking as much.
 */
export const MAX_BUFFERED_BLOCK_BYTES = MAX_SESSION_BLOCK_BYTES

/** Sessions one remote device may have answered here at once: one running, one waiting its turn (device-sync.ts). */
export const MAX_ANSWERS_PER_DEVICE = 2

/** Most device chains a hello may name. */
export const MAX_SYNC_DEVICES = 1024

/** How long to wait for each message of the other side. */
export const SYNC_READ_TIMEOUT_MS = 30_000

/**
 * A session's time before it must show progress: past it, each block byte
 * exchanged buys 1/SYNC_MIN_BYTES_PER_MS ms more. The per-message timeout
 * alone let a device that keeps sending (tiny batches) hold a session, and
 * the device sync run waiting on it, open forever; a fixed deadline would
 * cut a first sync of MAX_SESSION_BLOCK_BYTES over a slow relay.
 */
export const SYNC_SESSION_GRACE_MS = 10 * 60_000

/** The slowest average a session may keep past its grace: 16 KiB/s (512 MiB in about 9 hours). */
export const SYNC_MIN_BYTES_PER_MS = 16 * 1024 / 1000

/** Hello nonces, in bytes. */
export const SYNC_NONCE_BYTES = 32
