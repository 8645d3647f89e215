import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import type { CairnHelia } from './create-node.ts'
import type { PeerId } from '@libp2p/interface'

/** The parts of @helia/bitswap 4 reached here (bitswap/src/bitswap.ts, want-list.ts, network.ts). */
interface BitswapInternals {
  network?: { sendMessage: (peerId: PeerId, message: unknown) => Promise<void> }
  wantList?: { peers: Map<PeerId, unknown> }
}
interface BrokerInternals { name: string, bitswap?: BitswapInternals }

/** Cancels sent per message: bitswap splits bigger messages itself, this keeps each request small. */
const BATCH = 1000

/**
 * Tells every connected bitswap peer to forget that it sent us these blocks.
 *
 * Why: @helia/bitswap 4 remembers, per connected peer, each block it sent
 * (ledger status 'sent', peer-want-lists/ledger.ts) and treats a later want
 * for it as one it already answered, never sending it again while the
 * connection lasts; and its requesting side never sends the cancel that
 * would clear that (want-list.ts `sendMessages` skips cancelled entries).
 * So a device that frees blocks it fetched from a peer ("Free up space")
 * could not fetch them again from that peer on the same connection: the
 * read would wait forever. A cancel from us deletes the peer's entry, and
 * the next want is served afresh. Best effort: a peer that cannot be told
 * is skipped (its entry goes when the connection closes).
 */
export function bitswapForget (helia: CairnHelia): (cids: readonly string[]) => Promise<void> {
  return async (cids) => {
    const brokers = (helia as unknown as { blockBrokers?: BrokerInternals[] }).blockBrokers ?? []
    const bitswap = brokers.find(b => b.name === 'bitswap')?.bitswap
    const network = bitswap?.network
    const peers = bitswap?.wantList?.peers
    if (network === undefined || peers === undefined || cids.length === 0) return
    for (let i = 0; i < cids.length; i += BATCH) {
      const message = cancelMessage(cids.slice(i, i + BATCH))
      await Promise.all([...peers.keys()].map(async (peer) => { await network.sendMessage(peer, message).catch(() => {}) }))
    }
  }
}

/** The shape of bitswap's QueuedBitswapMessage (utils/bitswap-message.ts), which the package does not export. */
function cancelMessage (cids: readonly string[]): unknown {
  const wantlist = new Map<string, { cid: Uint8Array, priority: number, cancel: boolean }>()
  for (const text of cids) {
    const cid = CID.parse(text)
    wantlist.set(base64.encode(cid.multihash.bytes), { cid: cid.bytes, priority: 1, cancel: true })
  }
  return { full: false, pendingBytes: 0, wantlist, blocks: new Map(), blockPresences: new Map() }
}
