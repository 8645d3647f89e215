import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { CairnError, inCauses } from '../errors.ts'
import { blockMatchesCid, damagedCid } from '../storage/block-check.ts'
import { toStorageError } from '../storage/storage-errors.ts'
import { readBlock, type ChainHead } from './chain.ts'
import { verifyHead } from './head-mac.ts'
import { storeBlocks } from './log-store.ts'
import { MAX_CLOCK_AHEAD_MS, MAX_PLAUSIBLE_HLC_COUNTER, MERGE_WINDOW_BYTES } from './constants.ts'
import { compareHlc, isPlausibleHlc, type Hlc } from './hlc.ts'
import { decodeOpBlock, type OpBlock } from './op-block.ts'

/** Gets a block this store lacks (from the peer of a sync session, a backup peer…); undefined when it cannot. */
export type FetchBlock = (cid: CID) => Promise<Uint8Array | undefined>

/** One block of a run, checked, with its bytes still in memory. */
export interface HeldBlock { cid: CID, bytes: Uint8Array, block: OpBlock }

/**
 * The blocks of one device's chain past the head already known, checked,
 * oldest first. Only the last window of them (the oldest, at most
 * MERGE_WINDOW_BYTES) is still in memory, in `held`, for the caller to store;
 * the others were stored as the walk went. `runBlocks` gives them all back.
 */
export interface VerifiedRun {
  head: ChainHead
  /** Every block of the run, oldest first. */
  cids: CID[]
  /** The blocks not yet stored, oldest first. */
  held: HeldBlock[]
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
  /** Sealed bytes held in memory before checked blocks go to `blockstore` (default MERGE_WINDOW_BYTES). */
  windowBytes?: number
}

/**
 * Checks a head received for `device` and the blocks from it back to the
 * head already known, reading each block from the local store first, then
 * through `fetchBlock`. Holds at most `windowBytes` of them: past that, the
 * blocks checked so far are stored in `blockstore` (content-addressed, and
 * named by no head until the caller writes one, so a run refused later
 * changes nothing the user sees, and a later merge finds them locally).
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
    return { head, cids: [], held: [] }
  }
  const windowBytes = input.windowBytes ?? MERGE_WINDOW_BYTES
  const cids: CID[] = []
  let held: HeldBlock[] = []
  let heldBytes = 0
  // The first op's time of the block walked just before (the next one in the chain).
  let later: OpBlock['ops'][number] | undefined
  let cid: CID | null = head.cid
  let expectedSeqTo = head.seq
  while (expectedSeqTo > knownSeq) {
    if (cid === null) throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain of device ${device} ends before op ${expectedSeqTo}`)
    const { bytes, block } = await getBlock(input, cid, expectedSeqTo)
    if (block.seqTo !== expectedSeqTo) {
      if (cids.length === 0) throw new CairnError('INDEX_HEAD_RESEQUENCED', `the index head of device ${device} claims op ${head.seq}, its block ends at op ${block.seqTo}`)
      throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${device} ends at op ${block.seqTo}, expected ${expectedSeqTo}`)
    }
    if (block.seqFrom <= knownSeq) {
      throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain offered for device ${device} forks from the one known here before op ${knownSeq}`)
    }
    if (later !== undefined) checkOrder(device, block, later)
    if (input.now !== undefined) checkClocks(device, block, input.now)
    later = block.ops[0]
    if (heldBytes + bytes.length > windowBytes && held.length > 0) {
      // Checked so far, and no head names them yet: out of memory, into the store.
      await storeBlocks(input.blockstore, held)
      held = []
      heldBytes = 0
    }
    cids.push(cid)
    held.push({ cid, bytes, block })
    heldBytes += bytes.length
    cid = block.prev === null ? null : CID.parse(block.prev)
    expectedSeqTo = block.seqFrom - 1
  }
  if (known !== undefined && (cid === null || !cid.equals(known.cid))) {
    throw new CairnError('INDEX_CHAIN_BROKEN', `the index chain offered for device ${device} forks from the one known here at op ${knownSeq}`)
  }
  if (input.lastHlc !== undefined && later !== undefined && compareHlc(input.lastHlc, later.hlc) >= 0) {
    throw new CairnError('INDEX_CHAIN_BROKEN', `index chain of device ${device} goes back in time at op ${later.seq}`)
  }
  return { head, cids: cids.reverse(), held: held.reverse() }
}

/**
 * The run's blocks, oldest first: the held ones from memory, the ones the
 * walk stored read back from `blockstore` and opened again (a store that lost
 * one since: INDEX_CHAIN_BROKEN), one at a time.
 */
export async function * runBlocks (run: VerifiedRun, blockstore: Blockstore, indexKey: Uint8Array, device: string): AsyncGenerator<{ cid: CID, block: OpBlock }> {
  const held = new Map(run.held.map(h => [h.cid.toString(), h.block]))
  for (const cid of run.cids) {
    const kept = held.get(cid.toString())
    if (kept !== undefined) {
      yield { cid, block: kept }
      continue
    }
    const bytes = await readBlock(blockstore, cid)
    if (bytes === undefined) throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${device} went missing from this device's store during a merge`)
    yield { cid, block: await decodeOpBlock(indexKey, cid, bytes, device) }
  }
}

/**
 * One block of the run: this device's copy when it is sound, else the one
 * `fetchBlock` gets. A copy here that the store finds damaged, or whose bytes
 * no longer match its CID, is replaced by the good one fetched: no head names
 * it yet (a block fetched for a pull, or stored by a merge refused further
 * down), so no start would repair it, and the chain could never be merged.
 */
async function getBlock (input: VerifyRunInput, cid: CID, expectedSeqTo: number): Promise<{ bytes: Uint8Array, block: OpBlock }> {
  let damaged = false
  try {
    const local = await readBlock(input.blockstore, cid)
    if (local !== undefined && await blockMatchesCid(cid, local)) return { bytes: local, block: await decodeOpBlock(input.indexKey, cid, local, input.device) }
    damaged = local !== undefined
  } catch (err) {
    if (!isDamaged(err)) throw err
    damaged = true
  }
  // A store keeps the first copy of a CID, and a fetch through a networked store would read it:
  // the damaged copy goes first (worth nothing), the good one is put once fetched.
  if (damaged) {
    try {
      await input.blockstore.delete(cid)
    } catch (err) {
      throw toStorageError(err, `remove the damaged index block ${cid.toString()}`)
    }
  }
  const bytes = await input.fetchBlock(cid)
  if (bytes === undefined) {
    throw new CairnError('INDEX_CHAIN_BROKEN', `index block ${cid.toString()} of device ${input.device} (ops up to ${expectedSeqTo}) could not be had`)
  }
  const block = await decodeOpBlock(input.indexKey, cid, bytes, input.device)
  if (damaged) await storeBlocks(input.blockstore, [{ cid, bytes }])
  return { bytes, block }
}

/** True when `err` (or what caused it) is the store saying a block is damaged. */
function isDamaged (err: unknown): boolean {
  return inCauses(err, damagedCid) !== undefined
}

/** A block must end before the one after it in the chain (`later`, its first op) starts. */
function checkOrder (device: string, block: OpBlock, later: OpBlock['ops'][number]): void {
  const last = block.ops.at(-1) as OpBlock['ops'][number]
  if (compareHlc(last.hlc, later.hlc) >= 0) {
    throw new CairnError('INDEX_CHAIN_BROKEN', `index chain of device ${device} goes back in time at op ${later.seq}`)
  }
}

function checkClocks (device: string, block: OpBlock, now: number): void {
  for (const op of block.ops) {
    if (isPlausibleHlc(op.hlc, now)) continue
    throw new CairnError('INDEX_CLOCK_AHEAD', `op ${op.seq} of device ${device} is dated ${op.hlc.wall} (counter ${op.hlc.counter}): more than ${MAX_CLOCK_AHEAD_MS} ms ahead of this device's clock, or a counter over ${MAX_PLAUSIBLE_HLC_COUNTER}`)
  }
}
