import * as dagPb from '@ipld/dag-pb'
import type { Blockstore } from 'interface-blockstore'
import { CID } from 'multiformats/cid'
import { toErrorPayload } from '../errors.ts'
import type { Log } from '../log.ts'
import { readWholeBlock } from '../storage/read-block.ts'

export interface KeptFetcherComponents {
  /** Reads that fetch missing blocks from peers and keep them here (the node's: the block exchange with backup peers and devices first, then Helia's bitswap). */
  fetchStore: Blockstore
  log: Log
  /** A root is now wholly here (or its fetch failed): where files live may have changed. */
  onDone: (root: string) => void
}

/** Kept files fetched at once: a few, so a large folder does not crowd out what the user opens. */
export const KEPT_FETCH_CONCURRENCY = 2
/**
 * Blocks of one file asked for at once: the backup peer's own walk's window
 * (DEFAULT_BLOCK_CONCURRENCY). Content blocks are 1 MiB; each refill of the
 * want-list waits for bitswap's debounce and a round trip, and 8 left the
 * link idle during it (tests/bench/README.md, issue 12).
 */
export const KEPT_BLOCKS_IN_FLIGHT = 16

/**
 * Reads every block of a UnixFS DAG through `store` (which fetches what is
 * missing and keeps it), a few blocks at a time, holding none of them: unlike
 * a UnixFS `cat`, which reads ahead and would hold a large file in memory.
 */
export async function fetchDag (store: Blockstore, root: CID, signal: AbortSignal, blocksInFlight = KEPT_BLOCKS_IN_FLIGHT): Promise<void> {
  const queue: CID[] = [root]
  let active = 0
  let failure: unknown
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (failure !== undefined || signal.aborted) {
        if (active === 0) resolve()
        return
      }
      while (active < blocksInFlight && queue.length > 0) {
        const cid = queue.shift() as CID
        active++
        void readWholeBlock(store, cid, { signal }).then((bytes) => {
          if (cid.code === dagPb.code) queue.push(...dagPb.decode(bytes).Links.map(link => link.Hash))
        }).catch((err: unknown) => { failure ??= err }).finally(() => {
          active--
          pump()
        })
      }
      if (active === 0) resolve()
    }
    pump()
  })
  signal.throwIfAborted()
  if (failure !== undefined) throw failure
}

/**
 * Fetches the content of files kept on this device ("Keep on this device")
 * that are not wholly here, in the background, a few at a time, with
 * progress in the log (counts and bytes, never names). One run at a time;
 * asking again during a run queues one more run with the latest roots.
 */
export class KeptFetcher {
  private running: Promise<void> | undefined
  private next: (() => Promise<Array<{ root: string, size: number }>>) | undefined

  constructor (private readonly c: KeptFetcherComponents, private readonly concurrency = KEPT_FETCH_CONCURRENCY) {}

  /** Fetches the roots `pending` lists (asked when the run starts); resolves when this and any queued run end. */
  async fetch (pending: () => Promise<Array<{ root: string, size: number }>>, signal: AbortSignal): Promise<void> {
    this.next = pending
    if (this.running !== undefined) return await this.running
    this.running = (async () => {
      try {
        while (this.next !== undefined && !signal.aborted) {
          const list = this.next
          this.next = undefined
          await this.runOnce(await list(), signal)
        }
      } finally {
        this.running = undefined
      }
    })()
    return await this.running
  }

  /** Resolves when no run is going. */
  async idle (): Promise<void> {
    await this.running
  }

  private async runOnce (roots: Array<{ root: string, size: number }>, signal: AbortSignal): Promise<void> {
    if (roots.length === 0) return
    const total = roots.reduce((sum, r) => sum + r.size, 0)
    this.c.log.info(`fetching ${roots.length} kept ${roots.length === 1 ? 'file' : 'files'} (${total} bytes) onto this device`)
    let done = 0
    let failed = 0
    let bytes = 0
    const queue = [...roots]
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item !== undefined && !signal.aborted; item = queue.shift()) {
        try {
          await fetchDag(this.c.fetchStore, CID.parse(item.root), signal)
          done++
          bytes += item.size
          this.c.log.info(`kept files fetched: ${done} of ${roots.length} (${bytes} of ${total} bytes)`)
        } catch (err) {
          if (signal.aborted) return
          failed++
          this.c.log.warn(`a kept file could not be fetched onto this device: ${toErrorPayload(err).code}`)
        }
        this.c.onDone(item.root)
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, roots.length) }, worker))
    if (failed > 0 && !signal.aborted) this.c.log.warn(`${failed} kept ${failed === 1 ? 'file' : 'files'} could not be fetched; trying again when a peer connects`)
  }
}
