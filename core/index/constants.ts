/**
 * Limits and labels of the index format (DESIGN §4 "Index"). Changing any of
 * these changes what other devices accept, so they move only with
 * OP_BLOCK_VERSION.
 */

/**
 * Newest version of the op-block plaintext (sealed with it, so authenticated).
 * v1: put, delete, move. v2: the same envelope, and ops may also be prune and
 * purge (versions and Trash). A block is written with the lowest version
 * that holds its ops, so a block of v1 ops stays readable by v1 readers.
 */
export const OP_BLOCK_VERSION = 3

/**
 * Every op-block version this code reads. v3: deletes may name the put they
 * remove (ops.ts `target`), so an edit made concurrently survives the delete,
 * and puts the put they replace, so concurrent edits of one file are known.
 */
export const OP_BLOCK_VERSIONS: readonly number[] = [1, 2, 3]

/** Associated-data prefix of a sealed op block; the device id follows after `|`. */
export const OP_BLOCK_AAD_PREFIX = 'cairn/v1/index-block|'

/**
 * Largest sealed op block. Bitswap refuses blocks over 2 MiB and many IPFS
 * nodes over 1 MiB, so blocks stay well under that; bigger batches are split.
 */
export const MAX_OP_BLOCK_BYTES = 1024 * 1024

/** Largest path, in UTF-8 bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096

/** Largest path segment, in UTF-8 bytes (the common NAME_MAX of file systems). */
export const MAX_SEGMENT_BYTES = 255

/** Largest MIME type string kept in an entry. */
export const MAX_TYPE_LENGTH = 255

/** File keys and dedup tags are both 32 bytes (DESIGN §3). */
export const ENTRY_KEY_BYTES = 32

/** Device ids are PeerId strings in practice; this is what the format accepts. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

/** File ids are random strings made by `newFileId`; this is what the format accepts. */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** Hybrid logical clock limits: wall time fits 48 bits, the counter 32. */
export const MAX_HLC_WALL = 2 ** 48 - 1
export const MAX_HLC_COUNTER = 2 ** 32 - 1

/**
 * How far ahead of this device's clock another device's ops may be dated
 * when merged. Every device that merges an op moves its clock up to it, so
 * one device set to a far-off date (or hostile) would otherwise make every
 * device stamp its edits then, or, at the top of the range, leave none able
 * to stamp another. A day covers clocks set to the wrong time zone.
 */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000

/**
 * Largest counter a merged op may carry. The counter only counts events
 * within one millisecond or while the wall clock lags; no device makes 2^31
 * of those, and a counter near MAX_HLC_COUNTER leaves the receivers' clocks
 * no room to tick.
 */
export const MAX_PLAUSIBLE_HLC_COUNTER = 2 ** 31

/**
 * Sealed op-block bytes a merge keeps in memory while it checks a chain's new
 * run (merge-chain.ts). Past them, checked blocks go to the block store as the
 * walk goes and are read back to be applied, so a chain of any length (a
 * device that wrote for years, a hostile peer serving millions of blocks)
 * costs this much, not its whole size. No head names them until the run has
 * passed every check, so a refused run changes nothing the user sees.
 */
export const MERGE_WINDOW_BYTES = 16 * 1024 * 1024

/** Datastore key prefix of the per-device chain heads. */
export const HEADS_PREFIX = '/cairn/index/heads'
