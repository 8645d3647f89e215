import { lpStream } from '@libp2p/utils'
import { sha256 } from 'multiformats/hashes/sha2'
import { CID } from 'multiformats/cid'
import { jsonStream, readJson, writeJson } from '../../../core/protocols/backup/wire.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import type { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import type { Stream } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

/**
 * A bench-only prototype of a batched block exchange (not shipped, not
 * wired into the replicator): one long-lived stream per transfer. The
 * receiver writes requests, each a length-prefixed JSON `{ cids: string[] }`
 * (an empty list ends the exchange); the sender answers every CID, in
 * order, with one length-prefixed frame holding the block's bytes (empty:
 * it does not have the block). The receiver keeps at most `window` blocks
 * requested and not yet stored, so its read buffer stays bounded without
 * yamux's flow control (which tracks arrivals, not what the reader used).
 * Framing is @libp2p/utils' `lpStream` with the project's JSON helpers
 * (core/protocols/backup/wire.ts), as every Cairn protocol frames.
 */
export const PROTO_BLOCKS_PROTOCOL = '/cairn-bench/proto-blocks/1.0.0'

/** The largest block a frame may carry (Cairn's blocks are at most 1 MiB; room for a little more). */
const MAX_BLOCK_BYTES = 2 * 1024 * 1024
/** The largest request: a JSON list of CIDs. */
const MAX_REQUEST_BYTES = 64 * 1024

interface BlockRequest { cids: string[] }

function isRequest (value: unknown): value is BlockRequest {
  return typeof value === 'object' && value !== null && Array.isArray((value as BlockRequest).cids) &&
    (value as BlockRequest).cids.every((c) => typeof c === 'string')
}

/**
 * The sender's side: answers requests until the empty one, reading each
 * block from the pack store without its re-hash (the receiver hashes every
 * block, as `core/node/bitswap-serving.ts` lets bitswap serve). No
 * authorisation: a shipped protocol would gate each CID as
 * `core/protocols/backup/bitswap-gate.ts` gates bitswap.
 */
export async function serveBlocks (stream: Stream, store: PackBlockstore): Promise<void> {
  const lp = jsonStream(stream, MAX_REQUEST_BYTES)
  const unchecked = { get: (cid: CID, options?: { signal?: AbortSignal }) => store.get(cid, { ...options, skipHashCheck: true }) }
  const empty = new Uint8Array(0)
  while (true) {
    const request = await readJson(lp)
    if (!isRequest(request)) throw new Error('not a block request')
    if (request.cids.length === 0) break
    for (const text of request.cids) {
      const cid = CID.parse(text)
      await lp.write(store.has(cid) ? await readWholeBlock(unchecked, cid) : empty)
    }
  }
  await stream.close()
}

export interface FetchBlocksOptions {
  /** Blocks requested and not yet stored, at most. */
  window: number
  signal?: AbortSignal
}

/**
 * The receiver's side: fetches `cids` over `stream`, hashes each block once
 * (SHA-256 against its CID) and puts it into `store` (durable puts when the
 * store is the peer's `DurableBlockstore`; several in flight share flushes).
 * Returns the bytes stored. Throws on a missing or damaged block.
 */
export async function fetchBlocks (stream: Stream, cids: CID[], store: Blockstore, options: FetchBlocksOptions): Promise<number> {
  const window = Math.max(1, options.window)
  const lp = lpStream(stream, { maxDataLength: MAX_BLOCK_BYTES, maxBufferSize: (window + 1) * (MAX_BLOCK_BYTES + 16) })
  const signal = options.signal
  let requested = 0
  let stored = 0
  let bytes = 0
  let failure: { error: unknown } | undefined
  const puts = new Set<Promise<void>>()
  // Refills in half windows: one request per window / 2 blocks, not one per block.
  const refill = async (): Promise<void> => {
    if (requested - stored > window / 2 || requested >= cids.length) return
    const next = cids.slice(requested, stored + window)
    requested += next.length
    await writeJson(lp, { cids: next.map((c) => c.toString()) }, signal)
  }
  await refill()
  for (let i = 0; i < cids.length && failure === undefined; i++) {
    const cid = cids[i] as CID
    const frame = await lp.read(signal !== undefined ? { signal } : {})
    // One piece is returned as is; a frame split across messages is joined (a copy).
    const block = frame.subarray()
    if (block.byteLength === 0) throw new Error(`the sender does not have ${cid.toString()}`)
    const digest = await sha256.digest(block)
    if (!equalBytes(digest.digest, cid.multihash.digest)) throw new Error(`block ${cid.toString()} does not match its CID`)
    bytes += block.byteLength
    const put: Promise<void> = Promise.resolve(store.put(cid, block, signal !== undefined ? { signal } : {}))
      .then(async () => { stored++; await refill() })
      .catch((error: unknown) => { failure ??= { error } })
      .finally(() => { puts.delete(put) })
    puts.add(put)
  }
  await Promise.all(puts)
  if (failure !== undefined) throw failure.error
  await writeJson(lp, { cids: [] }, signal)
  await stream.close(signal !== undefined ? { signal } : {})
  return bytes
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
