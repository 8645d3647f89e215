import type { CairnHelia } from '../../node/create-node.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Decides whether `peer` may be sent `cid`. */
export type ServePolicy = (peer: string, cid: CID, options?: AbortOptions) => Promise<boolean>

/** The parts of @helia/bitswap 4's PeerWantLists the gate reaches (bitswap/src/peer-want-lists/index.ts). */
interface PeerWantLists {
  blockstore: Blockstore
  receiveMessage: (peerId: PeerId, message: unknown) => void
  ledgerMap: { get: (peerId: PeerId) => { queueSendOperation: () => void } | undefined }
}

interface BrokerInternals { name: string, bitswap?: { peerWantLists?: PeerWantLists } }

/** An installed gate: `recheck` re-serves a peer's waiting wants (after it proved itself); `remove` takes the gate out. */
export interface BitswapGate {
  recheck: (peerId: PeerId) => void
  remove: () => void
}

class NotFoundError extends Error {
  override name = 'NotFoundError'
}

/**
 * Puts a policy between bitswap and the blocks it sends. @helia/bitswap
 * keeps one ledger per remote peer and reads blocks for it through the
 * blockstore it holds when the ledger is made (in `receiveMessage`, the
 * peer's first message); so during that call the gate lends it a view of
 * the blockstore that answers `has`/`get` for that peer alone: a block the
 * policy refuses is one "we don't have". Nothing else of bitswap changes.
 * Throws when the installed bitswap has no such seam (a version change).
 */
export function gateBitswap (helia: CairnHelia, policy: ServePolicy): BitswapGate {
  const brokers = (helia as unknown as { blockBrokers?: BrokerInternals[] }).blockBrokers ?? []
  const lists = brokers.find(broker => broker.name === 'bitswap')?.bitswap?.peerWantLists
  if (lists === undefined || typeof lists.receiveMessage !== 'function') throw new Error('this @helia/bitswap has no per-peer ledger to gate')
  const original = lists.receiveMessage
  lists.receiveMessage = function (this: PeerWantLists, peerId: PeerId, message: unknown): void {
    const store = this.blockstore
    this.blockstore = gatedStore(store, peerId.toString(), policy)
    try {
      original.call(this, peerId, message)
    } finally {
      this.blockstore = store
    }
  }
  return {
    recheck: (peerId) => { lists.ledgerMap.get(peerId)?.queueSendOperation() },
    remove: () => { lists.receiveMessage = original }
  }
}

/** `store` as `peer` may see it. */
function gatedStore (store: Blockstore, peer: string, policy: ServePolicy): Blockstore {
  return new Proxy(store, {
    get (target, prop, receiver) {
      if (prop === 'has') {
        return async (cid: CID, options?: AbortOptions) => await policy(peer, cid, options) && await target.has(cid, options)
      }
      if (prop === 'get') {
        return async function * (cid: CID, options?: AbortOptions) {
          if (!(await policy(peer, cid, options))) throw new NotFoundError(`block ${cid.toString()} is not served to ${peer}`)
          yield * target.get(cid, options)
        }
      }
      const value = Reflect.get(target, prop, receiver) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
