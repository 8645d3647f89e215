import { peerIdFromString } from '@libp2p/peer-id'
import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { QueuedBitswapMessage as QueuedMessage } from '../protocols/bitswap-message-shape.ts'

/** How long one peer has to send one block back before it counts as not holding it. */
const PROOF_TIMEOUT_MS = 15_000

/** What bitswap's want list answers a WANT_BLOCK sent to one peer (want-list.ts `wantSessionBlock`). */
interface SessionAnswer { has: boolean, block?: Uint8Array }

/** The private fields this reaches: Helia's brokers, bitswap's network and list of this node's wants. */
type SendMessage = (peer: PeerId, message: QueuedMessage, options?: AbortOptions) => Promise<void>
interface BitswapInternals {
  network?: { sendMessage?: SendMessage }
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
 * While a block is asked for, this node does not send it to that peer
 * (bitswap, and the batched exchange through {@link withholdsFrom}): a peer
 * that holds nothing could otherwise fetch the block from this very device
 * and pass it off as its own. A block the peer wanted meanwhile is sent to
 * it when the ask ends (bitswap would count it as sent and never resend it).
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
    const withheld = installWithholding(helia, network as { sendMessage: SendMessage })
    const peer = peerIdFromString(peerId)
    const cancel = async (cid: CID): Promise<void> => { await network.sendMessage?.(peer, cancelMessage(cid)).catch(() => {}) }
    for (const text of cids) {
      const cid = CID.parse(text)
      const release = withhold(withheld, peerId, keyOf(cid))
      try {
        await cancel(cid)
        const answer = await wantList.wantSessionBlock(cid, peer, { signal: AbortSignal.timeout(PROOF_TIMEOUT_MS) })
        if (!answer.has || answer.block === undefined) return false
      } catch {
        return false
      } finally {
        release()
        await cancel(cid)
      }
    }
    return true
  }
}

/**
 * Per node: per peer (PeerId string), the blocks being asked of it (by
 * multihash, base64), not sent to it meanwhile; and those of them bitswap
 * meant to send it meanwhile (the peer wanted them), sent once the ask ends.
 */
interface Withheld {
  counts: Map<string, Map<string, number>>
  dropped: Map<string, { peer: PeerId, blocks: Map<string, unknown> }>
  send: SendMessage
}
const installed = new WeakMap<object, Withheld>()

/** True while `cid` is being asked of `peerId` (the batched exchange's per-block rule, block-server.ts `mayServeBlock`). */
export function withholdsFrom (helia: object, peerId: string, cid: CID): boolean {
  return (installed.get(helia)?.counts.get(peerId)?.get(keyOf(cid)) ?? 0) > 0
}

/** Wraps bitswap's send once per node: a block being asked of a peer is left out of what goes to that peer. */
function installWithholding (helia: object, network: { sendMessage: SendMessage }): Withheld {
  const known = installed.get(helia)
  if (known !== undefined) return known
  const send = network.sendMessage.bind(network)
  const withheld: Withheld = { counts: new Map(), dropped: new Map(), send }
  network.sendMessage = async (peer, message, options) => {
    const keys = withheld.counts.get(peer.toString())
    if (keys === undefined || message.blocks.size === 0 || ![...message.blocks.keys()].some(key => keys.has(key))) { await send(peer, message, options); return }
    const blocks = new Map<string, unknown>()
    for (const [key, block] of message.blocks) {
      if (keys.has(key)) keep(withheld, peer, key, block)
      else blocks.set(key, block)
    }
    if (blocks.size === 0 && message.wantlist.size === 0 && message.blockPresences.size === 0) return
    await send(peer, { ...message, blocks }, options)
  }
  installed.set(helia, withheld)
  return withheld
}

/**
 * A block the peer wanted while it was being asked for it. Bitswap's ledger
 * counts it as sent and never sends it again on this connection, so without
 * this the peer's read (another device opening the file) would wait forever.
 */
function keep (withheld: Withheld, peer: PeerId, key: string, block: unknown): void {
  const id = peer.toString()
  const entry = withheld.dropped.get(id) ?? { peer, blocks: new Map<string, unknown>() }
  withheld.dropped.set(id, entry)
  entry.blocks.set(key, block)
}

/** Counts, so two asks of one block at once both hold it back until the last ends; then sends it if the peer wanted it meanwhile. */
function withhold (withheld: Withheld, peerId: string, key: string): () => void {
  const keys = withheld.counts.get(peerId) ?? new Map<string, number>()
  withheld.counts.set(peerId, keys)
  keys.set(key, (keys.get(key) ?? 0) + 1)
  return () => {
    const left = (keys.get(key) ?? 1) - 1
    if (left > 0) { keys.set(key, left); return }
    keys.delete(key)
    if (keys.size === 0 && withheld.counts.get(peerId) === keys) withheld.counts.delete(peerId)
    const dropped = withheld.dropped.get(peerId)
    const block = dropped?.blocks.get(key)
    if (dropped === undefined || block === undefined) return
    dropped.blocks.delete(key)
    if (dropped.blocks.size === 0) withheld.dropped.delete(peerId)
    const message: QueuedMessage = { full: false, pendingBytes: 0, wantlist: new Map(), blocks: new Map([[key, block]]), blockPresences: new Map() }
    // Best effort, as bitswap's own sends: a peer gone since gets it when it asks again.
    void withheld.send(dropped.peer, message).catch(() => {})
  }
}

function keyOf (cid: CID): string {
  return base64.encode(cid.multihash.bytes)
}

/** A bitswap message (QueuedBitswapMessage's shape, which the package does not export) cancelling one want. */
function cancelMessage (cid: CID): QueuedMessage {
  const wantlist = new Map([[keyOf(cid), { cid: cid.bytes, priority: 1, cancel: true }]])
  return { full: false, pendingBytes: 0, wantlist, blocks: new Map(), blockPresences: new Map() }
}
