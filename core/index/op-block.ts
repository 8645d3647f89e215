import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'multiformats/bytes'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { CairnError, IndexRecordTamperedError, InvalidArgumentError } from '../errors.ts'
import { MAX_OP_BLOCK_BYTES, OP_BLOCK_AAD_PREFIX, OP_BLOCK_VERSIONS } from './constants.ts'
import { compareHlc } from './hlc.ts'
import { isDeviceId, opFromWire, opToWire, V1_KINDS, type IndexOp } from './ops.ts'

/**
 * Ops are batched into blocks, each sealed with the index subkey and chained
 * to the previous block of the same device (DESIGN §4 "Index"). A sealed block
 * is a raw IPFS block (codec 0x55, sha2-256), so backup peers and bitswap move
 * it like any other block without being able to read it.
 *
 * Plaintext: UTF-8 JSON `{v, device, seqFrom, seqTo, prev, ops}` with keys in
 * that order. Associated data: `cairn/v1/index-block|<device>`, which binds
 * the format version and the device: a block cannot be passed off as another
 * device's, nor read as another version.
 */
export interface OpBlock {
  /** Format version: 1 (put, delete, move), 2 (also prune, purge) or 3 (also deletes and puts that name a put). */
  v: 1 | 2 | 3
  device: string
  /** Seq of the first op in the block. */
  seqFrom: number
  /** Seq of the last op in the block. */
  seqTo: number
  /** CID (string) of this device's previous block; null for its first block. */
  prev: string | null
  /** Ops seqFrom..seqTo of `device`, in order, timestamps strictly increasing. */
  ops: IndexOp[]
}

export interface EncodedOpBlock {
  cid: CID
  bytes: Uint8Array
}

export interface EncodeOpBlockOptions {
  /** Fixed secretbox nonce: only for test vectors. Never reuse one in production. */
  nonce?: Uint8Array
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** The associated data of a device's blocks. */
export function opBlockAad (device: string): Uint8Array {
  return encoder.encode(OP_BLOCK_AAD_PREFIX + device)
}

/** The CID of a sealed block: CIDv1, raw codec, sha2-256. */
export async function opBlockCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

/**
 * Checks a block's own consistency: device id, seq range matching the ops,
 * every op from the device with consecutive seqs and increasing timestamps,
 * each prune or purge naming an earlier op, prev present exactly when
 * seqFrom > 1. Throws `code`.
 */
export function checkOpBlock (block: OpBlock, code: 'INDEX_RECORD_TAMPERED' | 'INVALID_ARGUMENT'): void {
  if (!OP_BLOCK_VERSIONS.includes(block.v)) throw new CairnError(code, `unknown op block version ${String(block.v)}`)
  if (!isDeviceId(block.device)) throw new CairnError(code, 'op block device id is not valid')
  if (!Number.isSafeInteger(block.seqFrom) || block.seqFrom < 1) throw new CairnError(code, 'op block seqFrom must be a positive integer')
  if (!Array.isArray(block.ops) || block.ops.length === 0) throw new CairnError(code, 'op block holds no ops')
  if (block.seqTo !== block.seqFrom + block.ops.length - 1) throw new CairnError(code, 'op block seq range does not match its ops')
  if (block.seqFrom === 1 ? block.prev !== null : typeof block.prev !== 'string') throw new CairnError(code, 'op block prev must be null exactly for the first block')
  if (block.prev !== null) {
    try {
      CID.parse(block.prev)
    } catch (err) {
      throw new CairnError(code, 'op block prev is not a CID', { cause: err })
    }
  }
  block.ops.forEach((op, i) => {
    if (op.device !== block.device || op.hlc.device !== block.device) throw new CairnError(code, 'op block holds an op of another device')
    if (op.seq !== block.seqFrom + i) throw new CairnError(code, 'op block seqs are not consecutive')
    if (block.v === 1 && !V1_KINDS.has(op.kind)) throw new CairnError(code, `a v1 op block cannot hold a ${op.kind} op`)
    if (block.v < 3 && (op.kind === 'delete' || op.kind === 'put') && op.target !== undefined) throw new CairnError(code, `a v${block.v} op block cannot hold a ${op.kind} that names a put`)
    if (op.target !== undefined && compareHlc(op.target, op.hlc) >= 0) throw new CairnError(code, `a ${op.kind} op names an op that is not before it`)
    const before = block.ops[i - 1]
    if (before !== undefined && compareHlc(before.hlc, op.hlc) >= 0) throw new CairnError(code, 'op block timestamps do not increase')
  })
}

/** The lowest format version that can hold these ops (see OP_BLOCK_VERSION). */
export function blockVersionFor (ops: readonly IndexOp[]): OpBlock['v'] {
  if (ops.some(op => (op.kind === 'delete' || op.kind === 'put') && op.target !== undefined)) return 3
  return ops.every(op => V1_KINDS.has(op.kind)) ? 1 : 2
}

/**
 * Seals a block. Throws INVALID_ARGUMENT for an inconsistent block or one over
 * MAX_OP_BLOCK_BYTES (callers split big batches; see `IndexLog.append`).
 */
export async function encodeOpBlock (indexKey: Uint8Array, block: OpBlock, options: EncodeOpBlockOptions = {}): Promise<EncodedOpBlock> {
  checkOpBlock(block, 'INVALID_ARGUMENT')
  const plaintext = encoder.encode(JSON.stringify({
    v: block.v,
    device: block.device,
    seqFrom: block.seqFrom,
    seqTo: block.seqTo,
    prev: block.prev,
    ops: block.ops.map(opToWire)
  }))
  const aad = opBlockAad(block.device)
  const bytes = options.nonce === undefined ? sealSecret(indexKey, plaintext, aad) : sealSecret(indexKey, plaintext, aad, options.nonce)
  plaintext.fill(0)
  if (bytes.length > MAX_OP_BLOCK_BYTES) throw new InvalidArgumentError(`op block of ${bytes.length} bytes exceeds ${MAX_OP_BLOCK_BYTES}`)
  return { cid: await opBlockCid(bytes), bytes }
}

const BLOCK_KEYS = ['v', 'device', 'seqFrom', 'seqTo', 'prev', 'ops']

/**
 * Opens a block of `device`'s chain. The bytes must hash to `cid` and open
 * under the index key with that device's associated data; the plaintext must
 * be a well-formed, self-consistent block of that device. Any failure throws
 * INDEX_RECORD_TAMPERED. (The device comes from the caller, who knows whose
 * chain it walks, so blocks carry no cleartext metadata.)
 */
export async function decodeOpBlock (indexKey: Uint8Array, cid: CID, bytes: Uint8Array, device: string): Promise<OpBlock> {
  if (bytes.length > MAX_OP_BLOCK_BYTES) throw new IndexRecordTamperedError('op block is too large')
  if (cid.version !== 1 || cid.code !== raw.code || cid.multihash.code !== sha256.code) {
    throw new IndexRecordTamperedError('op block CID is not a raw sha2-256 CIDv1')
  }
  const digest = await sha256.digest(bytes)
  if (!equals(digest.digest, cid.multihash.digest)) throw new IndexRecordTamperedError('op block bytes do not match their CID')
  const plaintext = openSecret(indexKey, bytes, opBlockAad(device), 'INDEX_RECORD_TAMPERED')
  let parsed: unknown
  try {
    parsed = JSON.parse(decoder.decode(plaintext))
  } catch (err) {
    throw new IndexRecordTamperedError('op block plaintext is not JSON', { cause: err })
  } finally {
    plaintext.fill(0)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new IndexRecordTamperedError('op block is not an object')
  const p = parsed as Record<string, unknown>
  if (Object.keys(p).some(key => !BLOCK_KEYS.includes(key))) throw new IndexRecordTamperedError('op block has an unknown field')
  if (p.device !== device) throw new IndexRecordTamperedError('op block names another device')
  if (!Array.isArray(p.ops)) throw new IndexRecordTamperedError('op block ops must be an array')
  const block: OpBlock = {
    v: p.v as OpBlock['v'],
    device,
    seqFrom: p.seqFrom as number,
    seqTo: p.seqTo as number,
    prev: p.prev as string | null,
    ops: p.ops.map(op => opFromWire(op, device))
  }
  checkOpBlock(block, 'INDEX_RECORD_TAMPERED')
  return block
}

// Room for the block's own fields (device id, prev CID, seqs) and the
// secretbox overhead around the ops.
const BLOCK_HEADROOM = 4096

/**
 * Splits a batch into runs that each fit one block under MAX_OP_BLOCK_BYTES,
 * keeping order. Most batches give one run.
 */
export function chunkOps (ops: IndexOp[]): IndexOp[][] {
  const budget = MAX_OP_BLOCK_BYTES - BLOCK_HEADROOM
  const runs: IndexOp[][] = []
  let run: IndexOp[] = []
  let size = 0
  for (const op of ops) {
    const opSize = encoder.encode(JSON.stringify(opToWire(op))).length + 1
    if (run.length > 0 && size + opSize > budget) {
      runs.push(run)
      run = []
      size = 0
    }
    run.push(op)
    size += opSize
  }
  if (run.length > 0) runs.push(run)
  return runs
}
