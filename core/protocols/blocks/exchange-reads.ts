import { readWholeBlock } from '../../storage/read-block.ts'
import { BlockFetcher, type BlockFetchStats } from './block-fetcher.ts'
import type { FetchedBlock, HashPieces } from './fetched-block.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export interface ExchangeReadsComponents {
  libp2p: Pick<Libp2p, 'dialProtocol'>
  /** This device's own store (under Helia's networked one): what is here, and where fetched blocks go. */
  local: Pick<Blockstore, 'has' | 'put'>
  /** Helia's networked blockstore: reads of what is here, and bitswap for what the exchange did not bring. */
  network: Blockstore
  /** The connected peers to ask, in order: the vault's backup peers, then its other devices. */
  sources: () => PeerId[]
  /** SHA-256 over pieces (a Node host's native hasher): blocks kept as they arrived, never joined, where nothing reads them (fetched-block.ts). */
  hashPieces?: HashPieces
}

/** How long a peer that refused (this device had not proved itself to it yet) is left to bitswap. */
const REFUSED_RETRY_MS = 15_000

/** Helia's event for a block it fetched and kept (helia/src/storage.ts; fetch-watch.ts listens for it). */
const FETCHED_EVENT = 'blocks:get:blockstore:put'

interface ReadOptions {
  signal?: AbortSignal
  offline?: boolean
  onProgress?: (event: { type: string, detail?: unknown }) => void
}

/**
 * A device's fetches of blocks it lacks (a restore, kept files, opening a
 * file kept elsewhere) over the batched block exchange first (issue 12):
 * asked of the vault's backup peers, then its other devices, each block
 * hashed once as it arrives and kept here; whatever the exchange did not
 * bring (no such peer connected, "don't have", refused, a stall, a broken
 * stream, a wrong block) is read per CID through Helia's networked
 * blockstore, over bitswap, as before. The window per stream is the
 * fetcher's (48 blocks requested and not yet stored).
 */
export class ExchangeReads {
  readonly fetcher: BlockFetcher
  /** `network` with its fetches of missing blocks going over the exchange first; reads of what is here unchanged. */
  readonly store: Blockstore

  constructor (private readonly c: ExchangeReadsComponents) {
    this.fetcher = new BlockFetcher({
      libp2p: c.libp2p,
      sourcesOf: () => c.sources(),
      put: async (cid, block) => { await c.local.put(cid, block) },
      fallback: async (_scope, cid, signal) => await readWholeBlock(c.network, cid, { signal })
    }, { refusedRetryMs: REFUSED_RETRY_MS, skipAfterMismatch: true, ...(c.hashPieces !== undefined ? { hashPieces: c.hashPieces } : {}) })
    const fetchBlock = this.fetchBlock.bind(this)
    const local = c.local
    this.store = new Proxy(c.network, {
      get (target, prop, receiver) {
        if (prop === 'get') {
          return async function * (cid: CID, options: ReadOptions = {}) {
            if (options.offline === true || await local.has(cid)) {
              yield * target.get(cid, options as Parameters<Blockstore['get']>[1])
              return
            }
            const block = await fetchBlock(cid, options.signal)
            options.onProgress?.({ type: FETCHED_EVENT, detail: cid })
            yield block
          }
        }
        const value = Reflect.get(target, prop, receiver) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }

  /** A block that is not here, fetched and kept here (the exchange first, then bitswap). */
  async fetchBlock (cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    return await this.fetcher.fetch('', cid, signal ?? new AbortController().signal)
  }

  /** As {@link fetchBlock}, the block in the pieces it arrived in (for a caller that only keeps it: the restore's prefetch). */
  async fetchPieces (cid: CID, signal?: AbortSignal): Promise<FetchedBlock> {
    return await this.fetcher.fetchPieces('', cid, signal ?? new AbortController().signal)
  }

  get stats (): BlockFetchStats {
    return { ...this.fetcher.stats }
  }

  /** A peer disconnected: its stream is gone, and it may come back with the protocol. */
  peerGone (peer: string): void {
    this.fetcher.peerGone(peer)
  }

  stop (): void {
    this.fetcher.stop()
  }
}
