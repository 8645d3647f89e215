import { PeerUnreachableError } from '../errors.ts'
import type { CairnHelia } from './create-node.ts'
import type { BlockSource } from '../vault/block-repair.ts'
import type { CID } from 'multiformats/cid'

/** The part of a Helia block broker a repair needs (Helia's own interface is not exported as a field). */
interface RetrievingBroker {
  name: string
  retrieve?: (cid: CID, options: { signal: AbortSignal }) => Promise<Uint8Array>
}

/**
 * A {@link BlockSource} that asks the node's connected peers over bitswap —
 * its paired backup peers and other devices, on the node's normal
 * (authenticated) connections to them. It goes to the broker directly: the
 * networked blockstore would answer from the local store, which holds the
 * damaged copy.
 */
export function bitswapBlockSource (helia: CairnHelia): BlockSource {
  return {
    fetch: async (cid, signal) => {
      // blockBrokers is a public field of Helia's class, not of its interface.
      const brokers = (helia as unknown as { blockBrokers?: RetrievingBroker[] }).blockBrokers ?? []
      const broker = brokers.find(b => typeof b.retrieve === 'function')
      if (broker?.retrieve === undefined) throw new PeerUnreachableError('this node has no way to fetch blocks from peers')
      if (helia.libp2p.getConnections().length === 0) throw new PeerUnreachableError('no peer is connected')
      return await broker.retrieve(cid, { signal })
    }
  }
}
