import { peerIdFromString } from '@libp2p/peer-id'
import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import type { AbortOptions, PeerId } from '@libp2p/interface'

/** How long one peer has to send one block back before it counts as not holding it. */
const PROOF_TIMEOUT_MS = 15_000

/** What bitswap's want list answers a WANT_BLOCK sent to one peer (want-list.ts `wantSessionBlock`). */
interface SessionAnswer { has: boolean, block?: Uint8Array }

/** The private fields this reaches: Helia's brokers, bitswap's network and list of this node's wants. */
interface BitswapInternals {
  network?: { sendMessage?: (peer: PeerId, message: unknown, options?: AbortOptions) => Promise<void> }
  wantList?: { wantSessionBlock?: (cid: CID, peer: PeerId, options: AbortOptions) => Promise<SessionAnswer> }
}
interface BrokersHolder { blockBrokers?: Array<{ name?: string, bitswap?: BitswapInternals }> }

/** Asks `peerId` to send back each of `cids`; true only when it sent every one, each matching its CID. */
export type ProveHeld = (peerId: string, cids: readonly string[]) => Promise<boolean>

/**
 * A backup peer's `holds` answer (or another device's) is only its word: a
 * peer that lost its store, or lies, would make "Free up space" delete this
 * device's only copy. Here the peer must send the blocks themselves, asked
 * of it alone over bitswap (a WANT_BLOCK to that peer, not the node's shared
 * wantlist, so no other device answers for it). Bitswap derives each
 * received block's CID by hashing its bytes and the answer is matched on
 * that digest, so bytes that are not the block never count. A "don't have",
 * a presence without the block, silence or an error: not held. False when
 * the installed bitswap has no such seam (a version change): nothing is
 * then freed on a peer's word.
 *
 * Each block is cancelled at the peer before it is asked and after:
 * @helia/bitswap 4 does not send a peer a block it already sent it on this
 * connection (its ledger keeps the want as 'sent', see bitswap-forget.ts),
 * so a file read from that peer a moment ago would never come back and an
 * honest peer would look like a liar.
 */
export function peerBlockProof (helia: object): ProveHeld {
  return async (peerId, cids) => {
    const bitswap = (helia as BrokersHolder).blockBrokers?.find(b => b.name === 'bitswap')?.bitswap
    const wantList = bitswap?.wantList
    const network = bitswap?.network
    if (typeof wantList?.wantSessionBlock !== 'function' || typeof network?.sendMessage !== 'function') return false
    const peer = peerIdFromString(peerId)
    const cancel = async (cid: CID): Promise<void> => { await network.sendMessage?.(peer, cancelMessage(cid)).catch(() => {}) }
    for (const text of cids) {
      const cid = CID.parse(text)
      try {
        await cancel(cid)
        const answer = await wantList.wantSessionBlock(cid, peer, { signal: AbortSignal.timeout(PROOF_TIMEOUT_MS) })
        if (!answer.has || answer.block === undefined) return false
      } catch {
        return false
      } finally {
        await cancel(cid)
      }
    }
    return true
  }
}

/** A bitswap message (QueuedBitswapMessage's shape, which the package does not export) cancelling one want. */
function cancelMessage (cid: CID): unknown {
  const wantlist = new Map([[base64.encode(cid.multihash.bytes), { cid: cid.bytes, priority: 1, cancel: true }]])
  return { full: false, pendingBytes: 0, wantlist, blocks: new Map(), blockPresences: new Map() }
}
