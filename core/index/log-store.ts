import type { Blockstore } from 'interface-blockstore'
import { Key, type Datastore } from 'interface-datastore'
import { equals } from 'multiformats/bytes'
import { CairnError } from '../errors.ts'
import { toStorageError } from '../storage/storage-errors.ts'
import { decodeHead, encodeHead, walkChain, type ChainHead } from './chain.ts'
import { HEADS_PREFIX } from './constants.ts'
import { HEAD_FORMAT_VERSION } from './head-mac.ts'
import { isPlausibleHlc, zeroHlc, type Hlc } from './hlc.ts'
import { blockVersionFor, chunkOps, encodeOpBlock, type EncodedOpBlock } from './op-block.ts'
import type { IndexOp } from './ops.ts'
import { applyOp, createState, type IndexState } from './state.ts'

const encoder = new TextEncoder()

/**
 * Where the index log lives (DESIGN §4 "Index"): sealed op blocks in the
 * blockstore, the head of each device's chain, `{cid, seq}`, in the datastore
 * under `/cairn/index/heads/<deviceId>`. IndexLog (index-log.ts) keeps the
 * state and the lock; this module reads and writes the stores.
 */
export interface LogStores {
  blockstore: Blockstore
  datastore: Datastore
}

/** Everything read back from the stores at start. */
export interface LoadedLog {
  state: IndexState
  heads: Map<string, ChainHead>
  /** CIDs of every op block of every chain. */
  blockCids: Set<string>
  /** This device's clock: not before any op seen. */
  clock: Hlc
  /** The timestamp of the last op of each chain, so a merge can check the next block follows it. */
  lastHlc: Map<string, Hlc>
  /** How each block links back, by CID string, so serving a chain needs no unsealing. */
  links: Map<string, BlockLink>
}

/** Where a block sits in its chain: its prev (CID string) and the seq of its first op. */
export interface BlockLink {
  prev: string | null
  seqFrom: number
}

/**
 * Set once every stored head is authenticated (v2). From then on an old,
 * unauthenticated (v1) head is refused, so no one can downgrade a head to
 * slip a rolled-back or re-pointed chain past the MAC.
 */
export const HEAD_FORMAT_KEY = new Key('/cairn/index/head-format')

/**
 * Loads every device's chain named by a stored head, checks it and applies
 * its ops; the clock follows the ops, other devices' only up to a day past
 * `now` (this device's wall time). Throws INDEX_CHAIN_BROKEN or INDEX_RECORD_TAMPERED when the
 * stored log cannot be trusted, INDEX_HEAD_FORGED for a head whose MAC fails.
 *
 * Upgrade of v1 heads (written before heads had a MAC): they are accepted
 * only while the store holds no v2 head and no HEAD_FORMAT_KEY, i.e. on the
 * first open after the upgrade; each chain is walked (its head's seq checked
 * against its block), the heads are rewritten as v2, and the marker is
 * written last. A v1 head found afterwards throws INDEX_HEAD_UNAUTHENTICATED.
 * (Someone who can rewrite the whole store can also delete the marker; they
 * could as well delete the index. The MAC is against a store or a peer
 * that changes or replays heads, not one that wipes them.)
 */
export async function loadLog (stores: LogStores, indexKey: Uint8Array, macKey: Uint8Array, deviceId: string, now: number): Promise<LoadedLog> {
  const state = createState()
  const heads = new Map<string, ChainHead>()
  const blockCids = new Set<string>()
  const lastHlc = new Map<string, Hlc>()
  const links = new Map<string, BlockLink>()
  let clock = zeroHlc(deviceId)
  const prefix = HEADS_PREFIX + '/'
  const stored: Array<{ device: string, head: ChainHead, version: 1 | 2 }> = []
  for await (const { key, value } of stores.datastore.query({ prefix })) {
    const device = key.toString().slice(prefix.length)
    stored.push({ device, ...decodeHead(macKey, device, value) })
  }
  const upgraded = await hasMarker(stores.datastore)
  const legacy = stored.filter(s => s.version === 1)
  if (legacy.length > 0 && (upgraded || legacy.length < stored.length)) {
    throw new CairnError('INDEX_HEAD_UNAUTHENTICATED', `the stored index head of device ${(legacy[0] as typeof legacy[0]).device} has no MAC, and this vault's heads are authenticated`)
  }
  for (const { device, head } of stored) {
    blockCids.add(head.cid.toString())
    const blocks = await walkChain(stores.blockstore, indexKey, device, head)
    blocks.forEach((block, i) => {
      // Oldest first: a block's CID is the next one's prev, the newest's is the head's.
      links.set(i === blocks.length - 1 ? head.cid.toString() : (blocks[i + 1] as typeof block).prev as string, { prev: block.prev, seqFrom: block.seqFrom })
    })
    for (const block of blocks) {
      if (block.prev !== null) blockCids.add(block.prev)
      for (const op of block.ops) {
        applyOp(state, op)
        // Our next timestamp must follow every op seen, from any device,
        // so a local edit made after seeing one wins over it; but not one
        // dated far ahead, merged before merges refused those (hlc.ts
        // isPlausibleHlc): it would keep this clock there, or stop it.
        // Our own ops it always follows: a chain never goes back in time.
        if (device === deviceId || isPlausibleHlc(op.hlc, now)) clock = observe(clock, op.hlc)
      }
      lastHlc.set(device, (block.ops.at(-1) as IndexOp).hlc)
    }
    heads.set(device, head)
  }
  for (const { device, head } of legacy) await writeHead(stores.datastore, macKey, device, head)
  if (!upgraded) await putChecked(stores.datastore, HEAD_FORMAT_KEY, encoder.encode(String(HEAD_FORMAT_VERSION)), 'store the index head format')
  return { state, heads, blockCids, clock, lastHlc, links }
}

/** `clock` moved up to `seen` (keeping this device's id): the next tick follows it. */
export function observe (clock: Hlc, seen: Hlc): Hlc {
  if (seen.wall > clock.wall || (seen.wall === clock.wall && seen.counter > clock.counter)) {
    return { wall: seen.wall, counter: seen.counter, device: clock.device }
  }
  return clock
}

async function hasMarker (datastore: Datastore): Promise<boolean> {
  try {
    return await datastore.has(HEAD_FORMAT_KEY)
  } catch (err) {
    throw toStorageError(err, 'read the index head format')
  }
}

/**
 * Seals this device's new ops (already stamped, following `head`) into one
 * block, or several only if the batch exceeds the block size limit, stores
 * them, then moves the head: block first, head last, so a failed write leaves
 * the previous head (at worst an unreferenced block remains). Returns the new
 * head and the blocks written.
 */
export async function writeOps (stores: LogStores, indexKey: Uint8Array, macKey: Uint8Array, deviceId: string, head: ChainHead | undefined, ops: IndexOp[]): Promise<{ head: ChainHead, blocks: Array<EncodedOpBlock & BlockLink> }> {
  const sealed = await sealOps(indexKey, deviceId, head, ops)
  await storeBlocks(stores.blockstore, sealed.blocks)
  await writeHead(stores.datastore, macKey, deviceId, sealed.head)
  return sealed
}

/** The sealed blocks of this device's next ops (stamped, following `head`) and the head after them; nothing is stored. */
export async function sealOps (indexKey: Uint8Array, deviceId: string, head: ChainHead | undefined, ops: IndexOp[]): Promise<{ head: ChainHead, blocks: Array<EncodedOpBlock & BlockLink> }> {
  let prev = head?.cid ?? null
  const encoded: Array<EncodedOpBlock & BlockLink> = []
  for (const run of chunkOps(ops)) {
    const first = run[0] as IndexOp
    const block = await encodeOpBlock(indexKey, {
      v: blockVersionFor(run),
      device: deviceId,
      seqFrom: first.seq,
      seqTo: first.seq + run.length - 1,
      prev: prev === null ? null : prev.toString(),
      ops: run
    })
    encoded.push({ ...block, prev: prev === null ? null : prev.toString(), seqFrom: first.seq })
    prev = block.cid
  }
  const last = encoded.at(-1) as EncodedOpBlock
  return { head: { cid: last.cid, seq: (ops.at(-1) as IndexOp).seq }, blocks: encoded }
}

/** Stores sealed op blocks (before the head that names them). */
export async function storeBlocks (blockstore: Blockstore, blocks: EncodedOpBlock[]): Promise<void> {
  try {
    // putMany, not put: a store that batches durability (the pack store)
    // makes everything written so far durable at the end of putMany, so the
    // head written next never points at a block — or file content — a crash could lose.
    for await (const cid of blockstore.putMany(blocks.map(block => ({ cid: block.cid, bytes: block.bytes })))) { void cid }
  } catch (err) {
    throw toStorageError(err, 'store an index block')
  }
}

/** Stores one device's head (v2, MAC'd): the commit point of every append and merge. */
export async function writeHead (datastore: Datastore, macKey: Uint8Array, deviceId: string, head: ChainHead): Promise<void> {
  await putChecked(datastore, new Key(`${HEADS_PREFIX}/${deviceId}`), encodeHead(macKey, deviceId, head), 'store the index head')
}

async function putChecked (datastore: Datastore, key: Key, bytes: Uint8Array, what: string): Promise<void> {
  try {
    await datastore.put(key, bytes)
  } catch (err) {
    // A store may report failure for a write that landed (an aborted
    // IndexedDB transaction can); if the new head is there, it committed,
    // and pretending otherwise would fork our own chain on the next append.
    const landed = await Promise.resolve(datastore.get(key)).then(stored => equals(stored, bytes), () => false)
    if (!landed) throw toStorageError(err, what)
  }
}
