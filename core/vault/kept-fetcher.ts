import type { Blockstore } from 'interface-blockstore'
import { toErrorPayload } from '../errors.ts'
import type { Log } from '../node/log-buffer.ts'
import { readEveryBlock } from './encrypted-content.ts'

export interface KeptFetcherComponents {
  /** Reads that fetch missing blocks from peers and keep them here (Helia's networked blockstore). */
  fetchStore: Blockstore
  log: Log
  /** A root is now wholly here (or its fetch failed): where files live may have changed. */
  onDone: (root: string) => void
}

/** Kept files fetched at once: a few, so a large folder does not crowd out what the user opens. */
export const KEPT_FETCH_CONCURRENCY = 2

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
          await readEveryBlock(this.c.fetchStore, item.root, signal)
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
