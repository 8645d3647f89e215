/**
 * Constants of the encrypted-file (STREAM) format, version 1 (DESIGN §4).
 *
 * Header layout (80 bytes):
 *
 * | offset | length | field |
 * |---|---|---|
 * | 0  | 6  | magic `CAIRNF` |
 * | 6  | 1  | format version (1) |
 * | 7  | 1  | algorithm id (1 = AES-256-GCM) |
 * | 8  | 1  | log2 of the plaintext chunk size (12..24) |
 * | 9  | 7  | random nonce prefix |
 * | 16 | 32 | key commitment: HKDF-SHA256(FK, info `cairn/v1/file-commit`) |
 * | 48 | 32 | header MAC: HMAC-SHA256(HKDF(FK, `cairn/v1/file-header-mac`), bytes 0..16) |
 *
 * Then one AES-256-GCM ciphertext per plaintext chunk, key HKDF(FK,
 * `cairn/v1/file-content`), nonce = prefix(7) ‖ index (u32 BE) ‖ last flag (1
 * byte), the whole header as associated data.
 */

/** `CAIRNF` in ASCII. */
export const MAGIC = new Uint8Array([0x43, 0x41, 0x49, 0x52, 0x4e, 0x46])
export const FORMAT_VERSION = 1
/** Algorithm id 1: AES-256-GCM through WebCrypto. */
export const ALG_AES_256_GCM = 1

export const NONCE_PREFIX_LENGTH = 7
export const NONCE_LENGTH = 12
export const TAG_LENGTH = 16
export const COMMITMENT_LENGTH = 32
export const HEADER_MAC_LENGTH = 32

/** Offsets of the header fields. */
export const OFFSET_VERSION = MAGIC.length
export const OFFSET_ALG = OFFSET_VERSION + 1
export const OFFSET_CHUNK_LOG2 = OFFSET_ALG + 1
export const OFFSET_NONCE_PREFIX = OFFSET_CHUNK_LOG2 + 1
/** Bytes 0..OFFSET_COMMITMENT are the fields the header MAC covers. */
export const OFFSET_COMMITMENT = OFFSET_NONCE_PREFIX + NONCE_PREFIX_LENGTH
export const OFFSET_HEADER_MAC = OFFSET_COMMITMENT + COMMITMENT_LENGTH

/** Total header length in bytes. */
export const HEADER_LENGTH = OFFSET_HEADER_MAC + HEADER_MAC_LENGTH

/** Chunk sizes are powers of two between 4 KiB and 16 MiB; 1 MiB by default. */
export const MIN_CHUNK_LOG2 = 12
export const MAX_CHUNK_LOG2 = 24
export const DEFAULT_CHUNK_LOG2 = 20
export const DEFAULT_CHUNK_SIZE = 2 ** DEFAULT_CHUNK_LOG2

/** The chunk index is a u32 in the nonce. */
export const MAX_CHUNKS = 2 ** 32

/** A file key (FK) is 32 random bytes. */
export const FILE_KEY_LENGTH = 32

/** HKDF info strings of the per-file subkeys (one per purpose). */
export const INFO_CONTENT = 'cairn/v1/file-content'
export const INFO_COMMIT = 'cairn/v1/file-commit'
export const INFO_HEADER_MAC = 'cairn/v1/file-header-mac'
