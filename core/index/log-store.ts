import type { Blockstore } from 'interface-blockstore'
import { Key, type Datastore } from 'interface-datastore'
import { equals } from 'multiformats/bytes'
import { toStorageError } from '../storage/storage-errors.ts'
import { decodeHead, encodeHead, walkChain, type ChainHead } from './chain.ts'
import { HEADS_PREFIX } from './constants.ts'
import { zeroHlc, type Hlc } from './hlc.ts'
import { blockVersionFor, chunkOps, encodeOpBlock, type EncodedOpBlock } from './op-block.ts'
import type { IndexOp } from './ops.ts'
import { applyOp, createState, type IndexState } from './state.ts'

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
}

/**
 * Loads every device's chain named by a stored head, checks it and applies
 * its ops. Throws INDEX_CHAIN_BROKEN or INDEX_RECORD_TAMPERED when the
 * stored log cannot be trusted.
 */
export async function loadLog (stores: LogStores, indexKey: Uint8Array, deviceId: string): Promise<LoadedLog> {
  const state = createState()
  const heads = new Map<string, ChainHead>()
  const blockCids = new Set<string>()
  let clock = zeroHlc(deviceId)
  const prefix = HEADS_PREFIX + '/'
  for await (const { key, value } of stores.datastore.query({ prefix })) {
    const device = key.toString().slice(prefix.length)
    const head = decodeHead(device, value)
    blockCids.add(head.cid.toString())
    for (const block of await walkChain(stores.blockstore, indexKey, device, head)) {
      if (block.prev !== null) blockCids.add(block.prev)
      for (const op of block.ops) {
        applyOp(state, op)
        // Our next timestamp must follow every op seen, from any device,
        // so a local edit made after seeing one wins over it.
        if (op.hlc.wall > clock.wall || (op.hlc.wall === clock.wall && op.hlc.counter > clock.counter)) {
          clock = { wall: op.hlc.wall, counter: op.hlc.counter, device: deviceId }
        }
      }
    }
    heads.set(device, head)
  }
  return { state, heads, blockCids, clock }
}

/**
 * Seals this device's new ops (already stamped, following `head`) into one
 * block, or several only if the batch exceeds the block size limit, stores
 * them, then moves the head: block first, head last, so a failed write leaves
 * the previous head (at worst an unreferenced block remains). Returns the new
 * head and the blocks written.
 */
export async function writeOps (stores: LogStores, indexKey: Uint8Array, deviceId: string, head: ChainHead | undefined, ops: IndexOp[]): Promise<{ head: ChainHead, blocks: EncodedOpBlock[] }> {
  let prev = head?.cid ?? null
  const encoded: EncodedOpBlock[] = []
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
    encoded.push(block)
    prev = block.cid
  }
  try {
    // putMany, not put: a store that batches durability (the pack store)
    // makes everything written so far durable at the end of putMany, so the
    // head below never points at a block — or file content — a crash could lose.
    for await (const cid of stores.blockstore.putMany(encoded.map(block => ({ cid: block.cid, bytes: block.bytes })))) { void cid }
  } catch (err) {
    throw toStorageError(err, 'store an index block')
  }
  const last = encoded.at(-1) as EncodedOpBlock
  const newHead: ChainHead = { cid: last.cid, seq: (ops.at(-1) as IndexOp).seq }
  await writeHead(stores.datastore, deviceId, newHead)
  return { head: newHead, blocks: encoded }
}

async function writeHead (datastore: Datastore, deviceId: string, head: ChainHead): Promise<void> {
  const key = new Key(`${HEADS_PREFIX}/${deviceId}`)
  const bytes = encodeHead(deviceId, head)
  try {
    await datastore.put(key, bytes)
  } catch (err) {
    // A store may report failure for a write that landed (an aborted
    // IndexedDB transaction can); if the new head is there, it committed,
    // and pretending otherwise would fork our own chain on the next append.
    const landed = await Promise.resolve(datastore.get(key)).then(stored => equals(stored, bytes), () => false)
    if (!landed) throw toStorageError(err, 'store the index head')
  }
}
