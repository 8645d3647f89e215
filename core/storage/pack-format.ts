/**
 * On-disk format of the pack blockstore (version 1).
 *
 * A store is a flat directory of numbered file pairs:
 * - `00000001.pack`: an 8-byte header (`CRNP`, version, 3 zero bytes) then
 *   block bytes appended back to back, nothing between them.
 * - `00000001.jrnl`: an 8-byte header (`CRNJ`, version, 3 zero bytes) then
 *   journal records, appended in order, all little-endian:
 *
 *   | bytes | field |
 *   |---|---|
 *   | 1 | kind: 1 = put, 2 = delete (tombstone) |
 *   | 1 | 0 (reserved) |
 *   | 2 | CID length in bytes |
 *   | 4 | pack number holding the block |
 *   | 8 | offset of the block in that pack |
 *   | 4 | block length |
 *   | n | CID bytes (binary CID, any version) |
 *   | 4 | CRC-32 of all the bytes above |
 *
 * A put record always names its own journal's pack. A tombstone names the
 * exact copy it kills (pack and offset) and is written to the journal of
 * whichever pack was being appended to at the time, so sealed packs are never
 * written again.
 */

import { crc32 } from './crc32.ts'

export const FORMAT_VERSION = 1
export const FILE_HEADER_LENGTH = 8
export const PACK_MAGIC = [0x43, 0x52, 0x4e, 0x50] as const // "CRNP"
export const JOURNAL_MAGIC = [0x43, 0x52, 0x4e, 0x4a] as const // "CRNJ"

export const RECORD_PUT = 1
export const RECORD_DELETE = 2
/** Fixed bytes of a record: 20 before the CID, 4 of checksum after it. */
export const RECORD_FIXED_LENGTH = 24
const RECORD_HEAD_LENGTH = 20

const NAME_PATTERN = /^(\d{8})\.(pack|jrnl)$/

/** `00000001.pack` for pack 1. */
export function packFileName (pack: number): string {
  return `${String(pack).padStart(8, '0')}.pack`
}

/** `00000001.jrnl` for pack 1. */
export function journalFileName (pack: number): string {
  return `${String(pack).padStart(8, '0')}.jrnl`
}

/** The pack number a pack or journal file name stands for, or undefined for other files. */
export function parseFileName (name: string): { pack: number, kind: 'pack' | 'jrnl' } | undefined {
  const match = NAME_PATTERN.exec(name)
  if (match === null) return undefined
  return { pack: Number(match[1]), kind: match[2] as 'pack' | 'jrnl' }
}

/** The 8-byte header of a pack or journal file. */
export function fileHeader (magic: readonly number[]): Uint8Array {
  return Uint8Array.of(...magic, FORMAT_VERSION, 0, 0, 0)
}

/**
 * What the first bytes of a file say: `empty` for a file that a crash cut
 * before its header was whole (only a prefix of it, or zeros), `ok`, or
 * `foreign` for anything else (another format or a newer version).
 */
export function checkHeader (bytes: Uint8Array, magic: readonly number[]): 'ok' | 'empty' | 'foreign' {
  const expected = fileHeader(magic)
  const n = Math.min(bytes.length, FILE_HEADER_LENGTH)
  let prefix = true
  let zeros = true
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== expected[i]) prefix = false
    if (bytes[i] !== 0) zeros = false
  }
  if (n === FILE_HEADER_LENGTH && prefix) return 'ok'
  if (n < FILE_HEADER_LENGTH && prefix) return 'empty'
  return zeros ? 'empty' : 'foreign'
}

/**
 * True when `bytes` differ from our header in exactly one byte and do not
 * read as a newer version of it (what a flipped bit or a changed byte
 * leaves), or are all zeros (what a disk block lost under the file leaves).
 * Recovery mends such a header only when the file's content shows it is ours.
 */
export function isDamagedHeader (bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < FILE_HEADER_LENGTH) return false
  const expected = fileHeader(magic)
  let differing = 0
  let zeros = true
  for (let i = 0; i < FILE_HEADER_LENGTH; i++) {
    if (bytes[i] !== expected[i]) differing++
    if (bytes[i] !== 0) zeros = false
  }
  const newer = magic.every((byte, i) => bytes[i] === byte) && (bytes[4] as number) > FORMAT_VERSION
  return (differing === 1 || zeros) && !newer
}

/** One journal record, decoded. */
export interface JournalRecord {
  kind: typeof RECORD_PUT | typeof RECORD_DELETE
  pack: number
  offset: number
  length: number
  cid: Uint8Array
}

/** Encodes a record; `cid` is the binary CID. */
export function encodeRecord (record: JournalRecord): Uint8Array {
  const out = new Uint8Array(RECORD_FIXED_LENGTH + record.cid.length)
  const view = new DataView(out.buffer)
  view.setUint8(0, record.kind)
  view.setUint16(2, record.cid.length, true)
  view.setUint32(4, record.pack, true)
  // Offsets fit in 53 bits; split into two 32-bit halves to avoid BigInt on the hot path.
  view.setUint32(8, record.offset % 0x1_0000_0000, true)
  view.setUint32(12, Math.floor(record.offset / 0x1_0000_0000), true)
  view.setUint32(16, record.length, true)
  out.set(record.cid, RECORD_HEAD_LENGTH)
  const body = out.subarray(0, RECORD_HEAD_LENGTH + record.cid.length)
  view.setUint32(body.length, crc32(body), true)
  return out
}

/**
 * Decodes the record at `at` in `bytes`. Returns `undefined` when the bytes
 * there are not a whole, intact record (cut short, bad checksum, unknown
 * kind): that is where a torn tail starts.
 */
export function decodeRecord (bytes: Uint8Array, at: number): { record: JournalRecord, next: number } | undefined {
  if (bytes.length - at < RECORD_FIXED_LENGTH) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, bytes.length - at)
  const kind = view.getUint8(0)
  const cidLength = view.getUint16(2, true)
  const total = RECORD_FIXED_LENGTH + cidLength
  if (bytes.length - at < total) return undefined
  if ((kind !== RECORD_PUT && kind !== RECORD_DELETE) || view.getUint8(1) !== 0 || cidLength === 0) return undefined
  const body = bytes.subarray(at, at + RECORD_HEAD_LENGTH + cidLength)
  if (crc32(body) !== view.getUint32(RECORD_HEAD_LENGTH + cidLength, true)) return undefined
  return {
    record: {
      kind,
      pack: view.getUint32(4, true),
      offset: view.getUint32(8, true) + view.getUint32(12, true) * 0x1_0000_0000,
      length: view.getUint32(16, true),
      // A copy, so the index does not pin the whole journal buffer in memory.
      cid: bytes.slice(at + RECORD_HEAD_LENGTH, at + RECORD_HEAD_LENGTH + cidLength)
    },
    next: at + total
  }
}
