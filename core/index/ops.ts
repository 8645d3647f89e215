import { CID } from 'multiformats/cid'
import { CairnError, IndexRecordTamperedError } from '../errors.ts'
import { fromBase64 } from '../crypto/base64.ts'
import { DEVICE_ID_PATTERN, ENTRY_KEY_BYTES, FILE_ID_PATTERN, MAX_TYPE_LENGTH } from './constants.ts'
import { compareHlc, decodeHlc, encodeHlc, isHlc, type Hlc } from './hlc.ts'
import { validatePath } from './paths.ts'

/**
 * What an op does to one file (DESIGN §4 "Index"). Format v1 has put,
 * delete and move; v2 adds the two that end history, each naming the op it
 * ends by that op's timestamp (unique in the vault, the same on every device):
 * `prune` forgets one saved version (the put that made it), `purge` empties
 * the Trash item one delete made (with the versions before it).
 */
export type OpKind = 'put' | 'delete' | 'move' | 'prune' | 'purge'

/** The kinds an op block of format v1 may hold. */
export const V1_KINDS: ReadonlySet<OpKind> = new Set(['put', 'delete', 'move'])
const KINDS: ReadonlySet<string> = new Set(['put', 'delete', 'move', 'prune', 'purge'])

/** Everything needed to fetch and open one file's content. */
export interface FileEntry {
  /** CID (string) of the encrypted UnixFS file. */
  cid: string
  /** Plaintext size in bytes. */
  size: number
  /** Last-modified time of the original file, ms since epoch. */
  mtime: number
  /** Dedup tag, keyed BLAKE3 of the plaintext (32 bytes, unpadded base64). */
  tag: string
  /** File key (32 bytes, unpadded base64). Never leaves the sealed index except in a share link. */
  fk: string
  /** MIME type, '' when unknown. */
  type: string
}

/** One change to the index, as stored (sealed) in an op block. */
export interface IndexOp {
  /** When it happened; `hlc.device` is always `device`. */
  hlc: Hlc
  /** The device that made it. */
  device: string
  /** Position in that device's log, from 1, without gaps. */
  seq: number
  kind: OpKind
  fileId: string
  /** put: where the file is; move: where it goes; delete: where it was (informational). */
  path: string
  /** Present exactly on puts. */
  entry?: FileEntry
  /**
   * Present on prunes and purges, and on deletes and puts since format v3: the timestamp of the op it ends.
   * prune: the put whose saved version it forgets (no other put, even of the
   * same content); purge: the delete whose Trash item it empties; delete:
   * the put whose content it removed (a put it did not see survives it: an
   * edit beats a concurrent delete, so deleting a file writes one delete
   * per edit shown, state.ts; a delete without one is plain
   * last-writer-wins, as format v1 and v2 wrote them); put: the put whose
   * content it replaced (absent on a new file), so two edits of one file made
   * apart are told from one made after the other (conflicts.ts). Always
   * before the op's own timestamp: a device names only ops it has seen.
   */
  target?: Hlc
}

/** An op as the caller of `IndexLog.append` writes it: the log assigns hlc, device and seq. */
export type PartialOp = Omit<IndexOp, 'hlc' | 'device' | 'seq'>

/**
 * The JSON form of an op inside a block: the timestamp in its compact string
 * form (which carries the device), keys in a fixed order.
 */
export interface WireOp {
  hlc: string
  seq: number
  kind: OpKind
  fileId: string
  path: string
  entry?: FileEntry
  target?: string
}

const OP_KEYS = new Set(['hlc', 'seq', 'kind', 'fileId', 'path', 'entry', 'target'])
const ENTRY_KEYS = ['cid', 'size', 'mtime', 'tag', 'fk', 'type'] as const
// Control characters have no place in a MIME type.
const CONTROL = /[\u0000-\u001f\u007f]/

/** A fresh random file id: 16 random bytes as 32 lowercase hex digits. */
export function newFileId (): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}

/** Throws `code` unless `value` is a well-formed entry. */
export function validateEntry (value: unknown, code: 'INDEX_RECORD_TAMPERED' | 'FORMAT_INVALID' = 'FORMAT_INVALID'): asserts value is FileEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CairnError(code, 'entry must be an object')
  const e = value as Record<string, unknown>
  for (const key of Object.keys(e)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(key)) throw new CairnError(code, `entry has an unknown field "${key}"`)
  }
  if (typeof e.cid !== 'string') throw new CairnError(code, 'entry.cid must be a string')
  let cid: CID
  try {
    cid = CID.parse(e.cid)
  } catch (err) {
    throw new CairnError(code, 'entry.cid is not a CID', { cause: err })
  }
  if (cid.toString() !== e.cid) throw new CairnError(code, 'entry.cid is not in canonical form')
  if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) throw new CairnError(code, 'entry.size must be a non-negative integer')
  if (!Number.isSafeInteger(e.mtime)) throw new CairnError(code, 'entry.mtime must be an integer')
  for (const key of ['tag', 'fk'] as const) {
    const field = e[key]
    if (typeof field !== 'string' || fromBase64(field, code).length !== ENTRY_KEY_BYTES) {
      throw new CairnError(code, `entry.${key} must be ${ENTRY_KEY_BYTES} bytes of base64`)
    }
  }
  if (typeof e.type !== 'string' || e.type.length > MAX_TYPE_LENGTH || CONTROL.test(e.type)) throw new CairnError(code, 'entry.type is not a valid MIME type string')
}

/** Copies an entry with its keys in the canonical order. */
export function canonicalEntry (entry: FileEntry): FileEntry {
  return { cid: entry.cid, size: entry.size, mtime: entry.mtime, tag: entry.tag, fk: entry.fk, type: entry.type }
}

/**
 * Checks an op's fields apart from the timestamp and device: kind, file id,
 * path rules and the entry (present exactly on puts). Path problems throw
 * PATH_INVALID or PATH_DOT_NAME, everything else `code`.
 */
export function validateOpBody (op: { kind: unknown, fileId: unknown, path: unknown, entry?: unknown, target?: unknown }, code: 'INDEX_RECORD_TAMPERED' | 'FORMAT_INVALID' = 'FORMAT_INVALID'): void {
  if (typeof op.kind !== 'string' || !KINDS.has(op.kind)) throw new CairnError(code, 'op.kind must be put, delete, move, prune or purge')
  if (typeof op.fileId !== 'string' || !FILE_ID_PATTERN.test(op.fileId)) throw new CairnError(code, 'op.fileId is not a valid file id')
  validatePath(op.path)
  if (op.kind === 'put') validateEntry(op.entry, code)
  else if (op.entry !== undefined) throw new CairnError(code, `a ${op.kind} op carries no entry`)
  if (op.kind === 'prune' || op.kind === 'purge') {
    if (!isHlc(op.target)) throw new CairnError(code, `a ${op.kind} op must name the op it ends`)
  } else if (op.kind === 'delete' || op.kind === 'put') {
    if (op.target !== undefined && !isHlc(op.target)) throw new CairnError(code, `a ${op.kind} names the put it replaces by its timestamp`)
  } else if (op.target !== undefined) throw new CairnError(code, `a ${op.kind} op carries no target`)
}

/** The JSON form of an op, keys in canonical order (what `encodeOpBlock` seals). */
export function opToWire (op: IndexOp): WireOp {
  const wire: WireOp = { hlc: encodeHlc(op.hlc), seq: op.seq, kind: op.kind, fileId: op.fileId, path: op.path }
  if (op.entry !== undefined) wire.entry = canonicalEntry(op.entry)
  if (op.target !== undefined) wire.target = encodeHlc(op.target)
  return wire
}

/**
 * Reads an op back from a decrypted block written by `device`. The block was
 * authenticated, so a malformed op means a buggy or hostile device: anything
 * wrong, a bad path included, throws INDEX_RECORD_TAMPERED (with the precise
 * error as its cause).
 */
export function opFromWire (value: unknown, device: string): IndexOp {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IndexRecordTamperedError('op must be an object')
    const w = value as Record<string, unknown>
    for (const key of Object.keys(w)) {
      if (!OP_KEYS.has(key)) throw new IndexRecordTamperedError(`op has an unknown field "${key}"`)
    }
    if (typeof w.hlc !== 'string') throw new IndexRecordTamperedError('op.hlc must be a string')
    const hlc = decodeHlc(w.hlc)
    if (hlc.device !== device) throw new IndexRecordTamperedError('op timestamp names another device')
    if (!Number.isSafeInteger(w.seq) || (w.seq as number) < 1) throw new IndexRecordTamperedError('op.seq must be a positive integer')
    if (w.target !== undefined && typeof w.target !== 'string') throw new IndexRecordTamperedError('op.target must be a string')
    const target = w.target === undefined ? undefined : decodeHlc(w.target)
    validateOpBody({ kind: w.kind, fileId: w.fileId, path: w.path, entry: w.entry, target }, 'INDEX_RECORD_TAMPERED')
    const op: IndexOp = { hlc, device, seq: w.seq as number, kind: w.kind as OpKind, fileId: w.fileId as string, path: w.path as string }
    if (w.entry !== undefined) op.entry = canonicalEntry(w.entry as FileEntry)
    if (target !== undefined) op.target = target
    return op
  } catch (err) {
    if (err instanceof CairnError && err.code === 'INDEX_RECORD_TAMPERED') throw err
    throw new IndexRecordTamperedError('index op is malformed', { cause: err })
  }
}

/** True when `device` is an acceptable device id. */
export function isDeviceId (device: unknown): device is string {
  return typeof device === 'string' && DEVICE_ID_PATTERN.test(device)
}

/**
 * Total order on ops: timestamp, then seq, then the canonical JSON. Two
 * different ops never share a timestamp when devices behave; the fallbacks
 * keep the outcome deterministic when one does not.
 */
export function compareOps (a: IndexOp, b: IndexOp): -1 | 0 | 1 {
  const byHlc = compareHlc(a.hlc, b.hlc)
  if (byHlc !== 0) return byHlc
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1
  const ja = JSON.stringify(opToWire(a))
  const jb = JSON.stringify(opToWire(b))
  if (ja === jb) return 0
  return ja < jb ? -1 : 1
}
