import { silenceWantBroadcast } from './bitswap-silence.ts'
import type { MixinHost } from './node-parts.ts'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** Decides whether `peer` may be sent `cid`. */
export type ServePolicy = (peer: string, cid: CID, options?: AbortOptions) => Promise<boolean>

/** The parts of @helia/bitswap 4's Ledger the gate reaches (bitswap/src/peer-want-lists/ledger.ts): it reads `blockstore` at each send. */
interface Ledger {
  peerId: PeerId
  blockstore: Blockstore
  queueSendOperation: () => void
}

/** The parts of @helia/bitswap 4's PeerWantLists the gate reaches (bitswap/src/peer-want-lists/index.ts). */
interface PeerWantLists {
  blockstore: Blockstore
  receiveMessage: (peerId: PeerId, message: unknown) => void
  ledgerMap: { get: (peerId: PeerId) => Ledger | undefined, forEach: (fn: (ledger: Ledger) => void) => void }
}

interface BrokerInternals { name: string, bitswap?: { peerWantLists?: PeerWantLists } }

/** An installed gate: `recheck` re-serves a peer's waiting wants (after it proved itself); `remove` takes its policy out (nothing is served then). */
export interface BitswapGate {
  recheck: (peerId: PeerId) => void
  remove: () => void
}

/** The policy of a node with no backup service (or one stopped): no block to anyone. */
export const serveNothing: ServePolicy = async () => false

class NotFoundError extends Error {
  override name = 'NotFoundError'
}

/** The policy in force per bitswap, so a gate installed once can take a new policy. */
const installed = new WeakMap<PeerWantLists, { policy: ServePolicy }>()

/**
 * Puts a policy between bitswap and the blocks it sends. @helia/bitswap
 * keeps one ledger per remote peer and reads blocks for it through the
 * blockstore it holds when the ledger is made (in `receiveMessage`, the
 * peer's first message); so during that call the gate lends it a view of
 * the blockstore that answers `has`/`get` for that peer alone: a block the
 * policy refuses is one "we don't have". Nothing else of bitswap changes.
 * Ledgers made before the gate (bitswap starts with the node) get the
 * view too; install it as the node starts (gateBitswapAtStart), before any
 * stranger could be answered. Gating the same node again swaps the policy,
 * for ledgers already made too. Throws when the installed bitswap has no
 * such seam (a version change).
 */
export function gateBitswap (helia: object, policy: ServePolicy): BitswapGate {
  const brokers = (helia as unknown as { blockBrokers?: BrokerInternals[] }).blockBrokers ?? []
  const lists = brokers.find(broker => broker.name === 'bitswap')?.bitswap?.peerWantLists
  if (lists === undefined || typeof lists.receiveMessage !== 'function') throw new Error('this @helia/bitswap has no per-peer ledger to gate')
  let gate = installed.get(lists)
  if (gate === undefined) {
    const state = { policy }
    const current: ServePolicy = async (peer, cid, options) => await state.policy(peer, cid, options)
    const original = lists.receiveMessage
    lists.receiveMessage = function (this: PeerWantLists, peerId: PeerId, message: unknown): void {
      const store = this.blockstore
      this.blockstore = gatedStore(store, peerId.toString(), current)
      try {
        original.call(this, peerId, message)
      } finally {
        this.blockstore = store
      }
    }
    lists.ledgerMap.forEach(ledger => { ledger.blockstore = gatedStore(ledger.blockstore, ledger.peerId.toString(), current) })
    installed.set(lists, state)
    gate = state
  }
  gate.policy = policy
  const state = gate
  return {
    recheck: (peerId) => { lists.ledgerMap.get(peerId)?.queueSendOperation() },
    remove: () => { if (state.policy === policy) state.policy = serveNothing }
  }
}

/**
 * Gates `helia`'s bitswap, serving nothing, as soon as bitswap starts within
 * `helia.start()` (a mixin runs after the ones added before it: bitswap's),
 * so no stranger is answered before a backup service sets its policy, nor
 * ever on a node run without one. Its wantlist is silenced then too: the
 * peer asks only a vault's own devices for blocks (DeviceWants), never
 * everyone connected. Call before `start()`.
 */
export function gateBitswapAtStart (helia: MixinHost): void {
  helia.addMixin({
    name: 'cairn-bitswap-gate',
    start: async (node) => {
      gateBitswap(node, serveNothing)
      silenceWantBroadcast(node)
    }
  })
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
