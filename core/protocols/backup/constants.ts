/** The backup protocol (DESIGN §5): one request, one response per stream. */
export const BACKUP_PROTOCOL = '/cairn/backup/1'

/** Wire format version carried in every request as `v`. */
export const BACKUP_WIRE_VERSION = 1

/** Signed requests are signed under `cairn/v1/backup/<kind>` (see core/crypto/vault-signing.ts). */
export const SIGNING_DOMAIN_PREFIX = 'cairn/v1/backup/'

/** Largest request the peer reads; more is refused with REQUEST_TOO_LARGE. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024

/** Largest response a client reads (status and holds answers can be long). */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024

/** Per-vault quota on a peer. */
export const DEFAULT_QUOTA_BYTES = 10 * 1024 ** 3

/** Roots fetched at once (DESIGN §5: bounded concurrency). */
export const DEFAULT_CONCURRENCY = 3

/**
 * Blocks of one DAG requested at once while fetching it. Content blocks are
 * 1 MiB, so this is also the most block bytes one root has in flight (16 MiB;
 * times DEFAULT_CONCURRENCY roots). Each refill of the want-list costs
 * bitswap's 10 ms debounce plus a round trip; 8 in flight left the sender
 * idle during it, 16 keeps the next blocks queued (tests/bench/README.md).
 */
export const DEFAULT_BLOCK_CONCURRENCY = 16

/** Unpinned content is kept this long before its blocks are freed (a deletion can be undone meanwhile). */
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000

/** An attempt to fetch a DAG fails when no block has arrived for this long. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000

/** Retries: exponential backoff from the base delay, capped, with jitter; then the item is `failed`. */
export const DEFAULT_RETRY_BASE_MS = 1_000
export const DEFAULT_RETRY_MAX_MS = 10 * 60 * 1000
export const DEFAULT_MAX_ATTEMPTS = 10

/** Requests older or newer than this (by the sender's clock) are refused with REQUEST_EXPIRED. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

/** A stream that has not delivered its request after this long is closed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

/**
 * Wrong pairing codes accepted per minute: from one remote peer, and from
 * one IP address (an IPv6 /64). No total: one stranger's guesses must not
 * use up the owner's tries (pairing-limiter.ts).
 */
export const PAIRING_FAILURES_PER_PEER = 3
export const PAIRING_FAILURES_PER_IP = 10

/** How long a pairing code pairs after it was made (`cairn-peer pair` makes a fresh one). */
export const DEFAULT_PAIRING_CODE_TTL_MS = 15 * 60 * 1000

/** The most blocks one `verify` re-reads. */
export const DEFAULT_MAX_VERIFY_SAMPLE = 256

/** Failed items a status answer lists (the count is always complete). */
export const MAX_FAILED_LISTED = 100

/** Datastore keys: the peer's state and the device's outboxes live under here. */
export const PEER_PREFIX = '/cairn/backup/peer'
export const DEVICE_PREFIX = '/cairn/backup/device'

/**
 * Roots (files, index op blocks, share copies; unpinned ones until freed)
 * one vault may have on a peer: each costs a record in memory and on disk,
 * so a client cannot grow the peer's bookkeeping without bound.
 */
export const DEFAULT_MAX_ROOTS_PER_VAULT = 1_000_000

/**
 * Devices one vault can ever have: its device book holds at most this many,
 * removed ones included (a removal is kept for good; core/vault/device-book.ts
 * MAX_DEVICES). A manifest's `heads`, and the devices a vault's record on the
 * peer keeps heads and manifest seqs for, stay within it, so a client cannot
 * grow that record (in memory, rewritten on every manifest) without bound.
 */
export const MAX_VAULT_DEVICES = 1000

/**
 * Rotation records one vault keeps here (its old vault ids, newest first,
 * each with the hand-overs of the key that replaced it). A device offline
 * across up to this many "Remove and rotate keys" still fetches each
 * hand-over in turn, old key to newest; one offline across more is paired
 * again. A rekey needs no code, so without this a vault could pile records
 * up for good: now a vault's chain holds at most 8 records of at most 1000
 * hand-overs of 512 characters (and a list of at most 1000 revoked devices)
 * each, under 7 MB.
 */
export const MAX_ROTATIONS_KEPT = 8

/** Refusals logged in full per remote peer per window; the rest are counted and summarised once per window. */
export const REFUSAL_LOG_WINDOW_MS = 60_000
export const REFUSAL_LINES_PER_REMOTE = 5
/** Refusal lines per window over all remote peers (a stranger with many PeerIds). */
export const REFUSAL_LINES_TOTAL = 50
/** How long a verify waits for a good copy of a bad block before leaving it to the replicator. */
export const VERIFY_REPAIR_TIMEOUT_MS = 16_500
