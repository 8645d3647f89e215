import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** How long one peer has to send one block back before it counts as not holding it. */
const PROOF_TIMEOUT_MS = 15_000

/** What bitswap's want list answers a WANT_BLOCK sent to one peer (want-list.ts `wantSessionBlock`). */
interface SessionAnswer { has: boolean, block?: Uint8Array }

/** The private fields this reaches: Helia's brokers, bitswap's list of this node's wants. */
interface BrokersHolder {
  blockBrokers?: Array<{ name?: string, bitswap?: { wantList?: { wantSessionBlock?: (cid: CID, peer: PeerId, options: AbortOptions) => Promise<SessionAnswer> } } }>
}

/** Asks `peerId` to send back each of `cids`; true only when it sent every one, each matching its CID. */
export type ProveHeld = (peerId: string, cids: readonly string[]) => Promise<boolean>

/**
 * A backup peer's `holds` answer is only its word: a peer that lost its
 * store, or lies, would make "Free up space" delete this device's only copy.
 * Here the peer must send the blocks themselves, asked of it alone over
 * bitswap (a WANT_BLOCK to that peer, not the node's shared wantlist, so no
 * other device answers for it). Bitswap derives each received block's CID
 * by hashing its bytes and the answer is matched on that digest, so bytes
 * that are not the block never count. A "don't have", a presence without
 * the block, silence or an error: not held. False when the installed
 * bitswap has no such seam (a version change): nothing is then freed on a
 * peer's word.
 */
export function peerBlockProof (helia: object): ProveHeld {
  return async (peerId, cids) => {
    const broker = (helia as BrokersHolder).blockBrokers?.find(b => b.name === 'bitswap')
    const wantList = broker?.bitswap?.wantList
    if (typeof wantList?.wantSessionBlock !== 'function') return false
    const peer = peerIdFromString(peerId)
    for (const cid of cids) {
      try {
        const answer = await wantList.wantSessionBlock(CID.parse(cid), peer, { signal: AbortSignal.timeout(PROOF_TIMEOUT_MS) })
        if (!answer.has || answer.block === undefined) return false
      } catch {
        return false
      }
    }
    return true
  }
}
