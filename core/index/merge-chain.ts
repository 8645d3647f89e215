import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { CairnError } from '../errors.ts'
import { readBlock, type ChainHead } from './chain.ts'
import { verifyHead } from './head-mac.ts'
import { MAX_CLOCK_AHEAD_MS, MAX_PLAUSIBLE_HLC_COUNTER } from './constants.ts'
import { compareHlc, isPlausibleHlc, type Hlc } from './hlc.ts'
import { decodeOpBlock, type OpBlock } from './op-block.ts'

/** Gets a block this store lacks (from the peer of a sync session, a backup peer…); undefined when it cannot. */
export type FetchBlock = (cid: CID) => Promise<Uint8Array | undefined>

/** The blocks of one device's chain past the head already known, checked, oldest first. */
export interface VerifiedRun {
  head: ChainHead
  blocks: Array<{ cid: CID, bytes: Uint8Array, block: OpBlock }>
}

export interface VerifyRunInput {
  blockstore: Blockstore
  indexKey: Uint8Array
  macKey: Uint8Array
  device: string
  /** The head as received: `{cid, seq, mac}` (unchecked). */
  signed: unknown
  /** The head of this device's chain already known here, if any. */
  known?: ChainHead
  /** The timestamp of the last op of the known chain. */
  lastHlc?: Hlc
  fetchBlock: FetchBlock
  /**
   * This device's wall time: ops dated more than MAX_CLOCK_AHEAD_MS after it
   * are refused. A restore leaves it out: it takes back the vault's own log.
   */
  now?: number
}

/**
 * Checks a head received for `device` and the blocks from it back to the
 * head already known, reading each block from the local store first, then
 * through `fetchBlock`. Writes nothing.
 *
 * - a MAC that fails: INDEX_HEAD_FORGED (no MAC: INDEX_HEAD_UNAUTHENTICATED);
 * - a seq below the known one: INDEX_HEAD_ROLLED_BACK;
 * - a head whose block ends at another seq: INDEX_HEAD_RESEQUENCED;
 * - a chain that does not meet the known head (a fork), a missing block,
 *   seqs that do not meet, time that goes back: INDEX_CHAIN_BROKEN;
 * - a block that fails to open: INDEX_RECORD_TAMPERED;
 * - an op dated too far ahead of `now`, or with an implausible counter:
 *   INDEX_CLOCK_AHEAD (merging it would drag this device's clock there).
 */
export async function verifyRemoteRun (input: VerifyRunInput): Promise<VerifiedRun> {
  const { device, known } = input
  const head = verifyHead(input.macKey, device, input.signed)
  const knownSeq = known?.seq ?? 0
  if (head.seq < knownSeq) {
    throw new CairnError('INDEX_HEAD_ROLLED_BACK', `the index head offered for device ${device} (op ${head.seq}) is older than the one known here (op ${knownSeq})`)
  }
  if (head.seq === knownSeq) {
    if (known !== undefined && !known.cid.equals(head.cid)) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain offered for device ${device} forks from the one known here at op ${knownSeq}`)
    }
    return { head, blocks: [] }
  }
  const blocks: VerifiedRun['blocks'] = []
  let cid: CID | null = head.cid
  let expectedSeqTo = head.seq
  while (expectedSeqTo > knownSeq) {
    if (cid === null) throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain of device ${device} ends before op ${expectedSeqTo}`)
    const bytes = (await readBlock(input.blockstore, cid)) ?? (await input.fetchBlock(cid))
    if (bytes === undefined) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${device} (ops up to ${expectedSeqTo}) could not be had`)
    }
    const block = await decodeOpBlock(input.indexKey, cid, bytes, device)
    if (block.seqTo !== expectedSeqTo) {
      if (blocks.length === 0) throw new CairnError('INDEX_HEAD_RESEQUENCED', `the index head of device ${device} claims op ${head.seq}, its block ends at op ${block.seqTo}`)
      throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${device} ends at op ${block.seqTo}, expected ${expectedSeqTo}`)
    }
    if (block.seqFrom <= knownSeq) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain offered for device ${device} forks from the one known here before op ${knownSeq}`)
    }
    blocks.push({ cid, bytes, block })
    cid = block.prev === null ? null : CID.parse(block.prev)
    expectedSeqTo = block.seqFrom - 1
  }
  if (known !== undefined && (cid === null || !cid.equals(known.cid))) {
    throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain offered for device ${device} forks from the one known here at op ${knownSeq}`)
  }
  blocks.reverse()
  let before = input.lastHlc
  for (const { block } of blocks) {
    const first = block.ops[0] as OpBlock['ops'][number]
    if (before !== undefined && compareHlc(before, first.hlc) >= 0) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `index chain of device ${device} goes back in time at op ${first.seq}`)
    }
    before = (block.ops.at(-1) as OpBlock['ops'][number]).hlc
  }
  if (input.now !== undefined) checkClocks(device, blocks, input.now)
  return { head, blocks }
}

function checkClocks (device: string, blocks: VerifiedRun['blocks'], now: number): void {
  for (const { block } of blocks) {
    for (const op of block.ops) {
      if (isPlausibleHlc(op.hlc, now)) continue
      throw new CairnError('INDEX_CLOCK_AHEAD', `op ${op.seq} of device ${device} is dated ${op.hlc.wall} (counter ${op.hlc.counter}): more than ${MAX_CLOCK_AHEAD_MS} ms ahead of this device's clock, or a counter over ${MAX_PLAUSIBLE_HLC_COUNTER}`)
    }
  }
}
