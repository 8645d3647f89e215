/** A pack rolls over to the next once appending would take it past this size. */
export const DEFAULT_MAX_PACK_SIZE = 256 * 1024 * 1024

/** Writes are made durable at most this long after a lone `put`/`delete`. */
export const DEFAULT_FLUSH_DELAY_MS = 1000

/** Pack files kept open for reading at once (each OPFS handle locks its file). */
export const DEFAULT_MAX_OPEN_PACKS = 16

/** Journal records are lengths in 32 bits. */
export const MAX_BLOCK_LENGTH = 0xffff_ffff

/** The saved index file is rewritten once this many journal records (or a quarter of the index, if more) are newer than it. */
export const SAVE_INDEX_MIN_RECORDS = 65_536
