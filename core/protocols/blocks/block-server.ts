import { readWholeBlock } from '../../storage/read-block.ts'
import { ANSWER_BLOCK, ANSWER_DONT_HAVE, ANSWER_REFUSED, BLOCKS_PROTOCOL, MAX_BLOCK_BYTES, MAX_STREAMS_PER_PEER, SERVER_WAIT_MS, decodeRequest, serverStream, writeAnswer } from './block-wire.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/** Where a device's blocks are read: its own store, never the network (bitswap's serving store has this shape). */
export interface ServedStore {
  has: (cid: CID, options?: { signal?: AbortSignal }) => boolean | Promise<boolean>
  get: (cid: CID, options?: { signal?: AbortSignal, skipHashCheck?: boolean }) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>
}

export interface BlockServerComponents {
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  /** The device's own blockstore (the pack store under Helia's networked one). */
  store: ServedStore
  /** Peers that may be sent blocks: the vault's devices and its backup peers (PeerId strings). */
  mayServe: (peer: string) => boolean
  /**
   * Per block, for a peer `mayServe` let in: the backup peer's rule (the one
   * its bitswap serves by, block-access.ts). Absent: every block the store
   * has (a device's rule). "refused" ends the asker's session, "dont-have"
   * sends that one CID to its fallback.
   */
  mayServeBlock?: (peer: string, cid: CID) => Promise<BlockDecision>
}

/** What {@link BlockServerComponents.mayServeBlock} decided for one CID. */
export type BlockDecision = 'serve' | 'refused' | 'dont-have'

/** What a device answered, for tests and the bench. */
export interface BlockServerStats {
  blocks: number
  dontHave: number
  refused: number
  /** Streams ended by a malformed or oversized request. */
  resets: number
}

/**
 * The serving side of the batched block exchange ({@link BLOCKS_PROTOCOL}):
 * a device's (to the vault's own peers) and the backup peer's (to a vault's
 * proven devices, per block, as its bitswap serves). Blocks go only to peers
 * that may have them; anyone else is answered "refused" for every CID and
 * keeps using bitswap, as share recipients do. Requests
 * are answered one at a time, in order, each block read whole without the
 * store's re-hash (the receiver hashes it). A request that is too large or
 * not CIDs ends the stream with a reset; nothing is buffered beyond one
 * request and one block per stream, a peer may hold two streams, and a
 * stream with no request or no reader for a minute is reset.
 */
export class BlockServer {
  readonly stats: BlockServerStats = { blocks: 0, dontHave: 0, refused: 0, resets: 0 }
  /** Open streams and the peer of each. */
  private readonly open = new Map<Stream, string>()

  constructor (private readonly c: BlockServerComponents) {}

  async start (): Promise<void> {
    await this.c.libp2p.handle(BLOCKS_PROTOCOL, (stream: Stream, connection: Connection) => { void this.serve(stream, connection) }, {
      runOnLimitedConnection: true,
      maxInboundStreams: 64,
      force: true
    })
  }

  async stop (): Promise<void> {
    await this.c.libp2p.unhandle(BLOCKS_PROTOCOL).catch(() => {})
    for (const stream of this.open.keys()) stream.abort(new Error('the node is stopping'))
    this.open.clear()
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    if ([...this.open.values()].filter((peer) => peer === remote).length >= MAX_STREAMS_PER_PEER) {
      this.stats.resets++
      stream.abort(new Error('too many block streams from one peer'))
      return
    }
    this.open.set(stream, remote)
    const lp = serverStream(stream)
    try {
      while (true) {
        // The exchange ends with an empty request; a stream that ends otherwise (cut mid-frame) is reset.
        const cids = decodeRequest((await lp.read({ signal: AbortSignal.timeout(SERVER_WAIT_MS) })).subarray())
        if (cids.length === 0) break
        // Asked again for every request: a device removed meanwhile is refused from then on.
        const allowed = this.c.mayServe(remote)
        // A peer that stops reading cannot hold the stream (and a block) for ever: a minute per answer.
        for (const cid of cids) await this.answer(lp, cid, allowed, remote, AbortSignal.timeout(SERVER_WAIT_MS))
      }
      await stream.close()
    } catch (err) {
      this.stats.resets++
      stream.abort(err as Error)
    } finally {
      this.open.delete(stream)
    }
  }

  private async answer (lp: ReturnType<typeof serverStream>, cid: CID, allowed: boolean, remote: string, signal: AbortSignal): Promise<void> {
    const decision = !allowed ? 'refused' : this.c.mayServeBlock === undefined ? 'serve' : await this.decide(remote, cid)
    if (decision === 'refused') {
      this.stats.refused++
      await writeAnswer(lp, ANSWER_REFUSED, undefined, signal)
      return
    }
    let block: Uint8Array | undefined
    try {
      if (decision === 'serve' && await this.c.store.has(cid)) block = await readWholeBlock({ get: (key, options) => this.c.store.get(key, { ...options, skipHashCheck: true }) as AsyncGenerator<Uint8Array> }, cid)
    } catch {
      // Unreadable here (damaged, or deleted since `has`): the peer asks elsewhere.
      block = undefined
    }
    if (block === undefined || block.byteLength > MAX_BLOCK_BYTES) {
      this.stats.dontHave++
      await writeAnswer(lp, ANSWER_DONT_HAVE, undefined, signal)
      return
    }
    this.stats.blocks++
    await writeAnswer(lp, ANSWER_BLOCK, block, signal)
  }

  /** The per-block rule; one that fails (its store unreadable) serves nothing. */
  private async decide (remote: string, cid: CID): Promise<BlockDecision> {
    try {
      return await (this.c.mayServeBlock as NonNullable<BlockServerComponents['mayServeBlock']>)(remote, cid)
    } catch {
      return 'dont-have'
    }
  }
}
