import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { QueuedBitswapMessage as QueuedMessage } from '../protocols/bitswap-message-shape.ts'

/** The parts of @helia/bitswap 4 reached here (network.ts `sendMessage`; want-list.ts `peers`, `sendMessagesDebounced`). */
interface NetworkInternals {
  sendMessage: (peer: PeerId, message: QueuedMessage, options?: AbortOptions) => Promise<void>
  addEventListener: (type: 'peer:disconnected', listener: (event: CustomEvent<PeerId>) => void) => void
}
interface WantListInternals {
  /** Per connected bitswap peer, the wants it was sent (a trackedPeerMap). */
  peers: { get: (peer: PeerId) => Set<string> | undefined }
  sendMessagesDebounced: () => Promise<void>
}
interface BrokerInternals { name: string, bitswap?: { network?: Partial<NetworkInternals>, wantList?: Partial<WantListInternals> } }

/** Who may hear this device's wants: the vault's member devices and paired backup peers (PeerId strings). */
export type IsOurs = (peerId: string) => boolean

/**
 * A device's bitswap wants go only to its own peers (issue 12).
 *
 * Helia's networked `blockstore.get` of a missing block puts the CID on one
 * wantlist that @helia/bitswap 4 sends to every connected bitswap peer
 * (`WantList.sendMessages`) and, whole, to each peer that connects
 * (`peerConnected`). Besides the vault's devices and backup peers, a share
 * recipient's node, a peer dialled by hand, a device mid-pairing or a removed
 * one may be connected: each would hear which blocks this vault is fetching.
 *
 * Both paths end in the network's `sendMessage(peer, message)`, so that is
 * wrapped: to a peer that is not ours the message goes without its wantlist
 * (wants and cancels alike: both name blocks), its blocks and block presences
 * still go (serving a share recipient keeps working), and a message left
 * empty is not sent at all. Bitswap still marks those wants as sent to that
 * peer; a peer that becomes ours later (a device that joins, a vault that
 * unlocks, a restore's peer) is handed the open wants by {@link changed}.
 */
export class OwnPeerWants {
  /** Peers whose wants were held back, by PeerId string. */
  private readonly withheld = new Map<string, PeerId>()
  /** Peers ours for a while though not (yet) in the vault's lists: a restore's or a join's backup peer. */
  private readonly allowed = new Map<string, number>()

  private constructor (private readonly wantList: WantListInternals, private readonly isOurs: IsOurs) {}

  /**
   * Installs the filter on `helia`'s bitswap; once per node (a second call
   * returns the first). Throws when the installed bitswap has no such seam
   * (a version change): a device must not run with its wants unfiltered.
   */
  static install (helia: object, isOurs: IsOurs): OwnPeerWants {
    const known = installed.get(helia)
    if (known !== undefined) return known
    const brokers = (helia as { blockBrokers?: BrokerInternals[] }).blockBrokers ?? []
    const bitswap = brokers.find(broker => broker.name === 'bitswap')?.bitswap
    const network = bitswap?.network
    const wantList = bitswap?.wantList
    if (typeof network?.sendMessage !== 'function' || typeof network.addEventListener !== 'function' || typeof wantList?.sendMessagesDebounced !== 'function' || typeof wantList.peers?.get !== 'function') {
      throw new Error('this @helia/bitswap has no message send to keep wants among own peers')
    }
    const own = new OwnPeerWants(wantList as WantListInternals, isOurs)
    const send = network.sendMessage.bind(network)
    network.sendMessage = async (peer, message, options) => {
      if (message.wantlist.size === 0 || own.ours(peer.toString())) { await send(peer, message, options); return }
      own.withheld.set(peer.toString(), peer)
      if (message.blocks.size === 0 && message.blockPresences.size === 0) return
      await send(peer, { full: false, pendingBytes: message.pendingBytes, wantlist: new Map(), blocks: message.blocks, blockPresences: message.blockPresences }, options)
    }
    network.addEventListener('peer:disconnected', (event) => { own.withheld.delete(event.detail.toString()) })
    installed.set(helia, own)
    return own
  }

  /** The installed filter of `helia`, if any (a node built without a vault has none). */
  static of (helia: object): OwnPeerWants | undefined {
    return installed.get(helia)
  }

  /** True when `peerId` may hear this device's wants now. */
  ours (peerId: string): boolean {
    return this.allowed.has(peerId) || this.isOurs(peerId)
  }

  /**
   * Who is ours may have grown (the device book or the backup peers changed,
   * the vault unlocked): each connected peer that was held wants back and is
   * ours now is sent the wants still open.
   */
  changed (): void {
    let resend = false
    for (const [id, peer] of this.withheld) {
      // Bitswap noted the held-back wants as sent: forgetting that makes its next round send them.
      const sent = this.wantList.peers.get(peer)
      if (sent === undefined || !this.ours(id)) continue
      this.withheld.delete(id)
      sent.clear()
      resend = true
    }
    if (resend) void this.wantList.sendMessagesDebounced().catch(() => {})
  }

  /** `peerId` is ours until the returned function is called (a restore asks a backup peer it is not paired with yet). */
  allow (peerId: string): () => void {
    this.allowed.set(peerId, (this.allowed.get(peerId) ?? 0) + 1)
    this.changed()
    let released = false
    return () => {
      if (released) return
      released = true
      const count = (this.allowed.get(peerId) ?? 1) - 1
      if (count > 0) this.allowed.set(peerId, count)
      else this.allowed.delete(peerId)
    }
  }
}

const installed = new WeakMap<object, OwnPeerWants>()

/** Lets `peerId` hear `helia`'s wants until the returned function is called; nothing to do on a node without the filter. */
export function allowWantsFrom (helia: object, peerId: string): () => void {
  return OwnPeerWants.of(helia)?.allow(peerId) ?? (() => {})
}
