import type { Helia } from '@helia/interface'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { PackGetOptions } from '../storage/pack-blockstore.ts'

/** What bitswap's serving side (its `PeerWantLists`) reads blocks with. */
interface ServingStore {
  has: (cid: CID, options?: AbortOptions) => Promise<boolean>
  get: (cid: CID, options?: PackGetOptions) => AsyncGenerator<Uint8Array>
}

/** The private fields this reaches: Helia's brokers, bitswap's want lists of other peers. */
interface BrokersHolder {
  blockBrokers?: Array<{ name?: string, bitswap?: { peerWantLists?: { blockstore?: ServingStore } } }>
}

/**
 * Blocks this node sends to peers over bitswap are read without the pack
 * store's re-hash (`skipHashCheck`). The receiver hashes every block it gets
 * anyway (bitswap derives the CID from the bytes and drops a block nobody
 * wanted), so a damaged block sent is refused there; re-hashing on this side
 * too was ~1.4 CPU ms per MB of each end of a replication (tests/bench/README.md,
 * "Replication speed"). What the sender no longer does is answer "don't have"
 * for a damaged block: the receiver waits out its stall timer instead, and
 * the damage is found by this node's own readers (every local read is still
 * checked) and its storage check. Local reads keep the check: they trust the bytes.
 *
 * This is that view: `get` with the option added. {@link withUncheckedServing}
 * installs it as a Helia mixin after bitswap's (mixins start in order).
 */
export function servingWithoutRehash (store: ServingStore): ServingStore {
  return {
    has: async (cid, options) => await store.has(cid, options),
    get: (cid, options) => store.get(cid, { ...options, skipHashCheck: true })
  }
}

/** Swaps bitswap's serving store for {@link servingWithoutRehash}; false when Helia or bitswap changed shape (then blocks are served checked, as before). */
export function serveBlocksWithoutRehash (helia: Helia): boolean {
  const broker = (helia as unknown as BrokersHolder).blockBrokers?.find((b) => b.name === 'bitswap')
  const lists = broker?.bitswap?.peerWantLists
  if (lists?.blockstore === undefined) return false
  lists.blockstore = servingWithoutRehash(lists.blockstore)
  return true
}

/** Adds the swap to `helia`'s start, after the mixins already added (bitswap's). */
export function withUncheckedServing<H extends Helia> (helia: H): H {
  helia.addMixin({ name: 'cairn-unchecked-serving', start: (started) => { serveBlocksWithoutRehash(started) } })
  return helia
}
