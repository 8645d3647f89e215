import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { readWholeBlock } from '../storage/read-block.ts'
import { CairnError, StorageFailedError } from '../errors.ts'
import { HEAD_FORMAT_VERSION, signHead, verifyHead } from './head-mac.ts'
import { compareHlc } from './hlc.ts'
import { decodeOpBlock, type OpBlock } from './op-block.ts'
import { isDeviceId } from './ops.ts'

/** The newest block of one device's chain and the seq of its last op. */
export interface ChainHead {
  cid: CID
  seq: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The stored form of a head (v2): `{"v":2,"device":…,"cid":…,"seq":…,"mac":…}`
 * as UTF-8 JSON, the MAC as in head-mac.ts.
 */
export function encodeHead (macKey: Uint8Array, device: string, head: ChainHead): Uint8Array {
  const signed = signHead(macKey, device, head)
  return encoder.encode(JSON.stringify({ v: HEAD_FORMAT_VERSION, device, cid: signed.cid, seq: signed.seq, mac: signed.mac }))
}

/**
 * The old stored form (v1, no MAC): `{"v":1,"device":…,"cid":…,"seq":…}`.
 * Written only by tests, to check that such heads are upgraded once (log-store.ts).
 */
export function encodeLegacyHead (device: string, head: ChainHead): Uint8Array {
  return encoder.encode(JSON.stringify({ v: 1, device, cid: head.cid.toString(), seq: head.seq }))
}

/** A stored head read back, with the format it was stored in. */
export interface DecodedHead {
  head: ChainHead
  /** 1: an old head without a MAC (see loadLog for when it is accepted); 2: MAC checked. */
  version: 1 | 2
}

/**
 * Reads a stored head back. Malformed throws INDEX_CHAIN_BROKEN; a v2 head
 * whose MAC fails throws INDEX_HEAD_FORGED.
 */
export function decodeHead (macKey: Uint8Array, device: string, bytes: Uint8Array): DecodedHead {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>
    if ((value.v !== 1 && value.v !== HEAD_FORMAT_VERSION) || value.device !== device || !isDeviceId(device)) throw new Error('head names another device or version')
    if (typeof value.cid !== 'string' || !Number.isSafeInteger(value.seq) || (value.seq as number) < 1) throw new Error('head fields are malformed')
    if (value.v === 1) return { head: { cid: CID.parse(value.cid), seq: value.seq as number }, version: 1 }
  } catch (err) {
    throw new CairnError('INDEX_CHAIN_BROKEN', `the stored index head of device ${device} is unreadable`, { cause: err })
  }
  return { head: verifyHead(macKey, device, { cid: value.cid, seq: value.seq, mac: value.mac }), version: 2 }
}

/** INDEX_CHAIN_BROKEN for an op block the store lacks, naming it, so a start can fetch it again (start-index.ts). */
class MissingIndexBlockError extends CairnError {
  constructor (readonly cid: CID, message: string) {
    super('INDEX_CHAIN_BROKEN', message)
  }
}

/** The op block a MissingIndexBlockError names, if `err` is one. */
export function missingIndexBlock (err: unknown): CID | undefined {
  return err instanceof MissingIndexBlockError ? err.cid : undefined
}

/** Reads one block from the store whole; undefined when the store lacks it. */
export async function readBlock (blockstore: Blockstore, cid: CID): Promise<Uint8Array | undefined> {
  try {
    if (!(await blockstore.has(cid))) return undefined
    return await readWholeBlock(blockstore, cid)
  } catch (err) {
    throw new StorageFailedError(`reading index block ${cid.toString()} failed`, { cause: err })
  }
}

/**
 * Walks one device's chain from its head back to its first block and returns
 * the blocks oldest first. A missing block, a block whose seqs do not meet
 * the next one, or timestamps that go backwards between blocks throw
 * INDEX_CHAIN_BROKEN; a block that fails to open throws INDEX_RECORD_TAMPERED.
 *
 * Reading every block at start is fine for thousands of ops. Follow-up:
 * sealed snapshots of the state (with the heads they cover) so a start reads
 * one snapshot plus the blocks after it, and compaction of old blocks.
 */
export async function walkChain (blockstore: Blockstore, indexKey: Uint8Array, device: string, head: ChainHead): Promise<OpBlock[]> {
  const blocks: OpBlock[] = []
  let cid: CID | null = head.cid
  let expectedSeqTo = head.seq
  while (cid !== null) {
    const bytes = await readBlock(blockstore, cid)
    if (bytes === undefined) throw new MissingIndexBlockError(cid, `index block ${cid.toString()} of device ${device} (ops up to ${expectedSeqTo}) is missing`)
    const block = await decodeOpBlock(indexKey, cid, bytes, device)
    if (block.seqTo !== expectedSeqTo) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${device} ends at op ${block.seqTo}, expected ${expectedSeqTo}`)
    }
    blocks.push(block)
    // decodeOpBlock guarantees prev is null exactly when seqFrom is 1, and
    // seqs strictly decrease, so the walk ends.
    cid = block.prev === null ? null : CID.parse(block.prev)
    expectedSeqTo = block.seqFrom - 1
  }
  blocks.reverse()
  for (let i = 1; i < blocks.length; i++) {
    const before = (blocks[i - 1] as OpBlock).ops.at(-1)
    const after = (blocks[i] as OpBlock).ops[0]
    if (before !== undefined && after !== undefined && compareHlc(before.hlc, after.hlc) >= 0) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `index chain of device ${device} goes back in time at op ${after.seq}`)
    }
  }
  return blocks
}
