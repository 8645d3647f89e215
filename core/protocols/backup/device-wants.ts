import { base64 } from 'multiformats/bases/base64'
import type { BlockGetter } from './node-parts.ts'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { QueuedBitswapMessage } from '../bitswap-message-shape.ts'

/** A wantlist entry as @helia/bitswap 4 queues it (pb/message.ts `WantlistEntry`). */
interface WantEntry {
  cid: Uint8Array
  priority: number
  wantType: 'WantBlock'
  cancel: boolean
  sendDontHave: boolean
}

type QueuedMessage = QueuedBitswapMessage<WantEntry>

/** What WantList dispatches for each block a peer sent (want-list.ts `receiveMessage`): the CID is hashed from the bytes. */
interface ReceivedBlock { cid: CID, block: Uint8Array, sender: PeerId }

type Listener<T> = (event: CustomEvent<T>) => void
interface Emitter<Events> {
  addEventListener: <K extends keyof Events>(type: K, listener: Listener<Events[K]>) => void
  removeEventListener: <K extends keyof Events>(type: K, listener: Listener<Events[K]>) => void
}

/** The parts of @helia/bitswap 4 reached here (bitswap.ts, want-list.ts, network.ts). */
interface BitswapParts {
  network: Emitter<{ 'peer:disconnected': PeerId }> & { sendMessage: (peer: PeerId, message: QueuedMessage) => Promise<void> }
  wantList: Emitter<{ block: ReceivedBlock }>
}
interface BrokerInternals { name: string, bitswap?: Partial<BitswapParts> }

export interface DeviceWantsComponents {
  /** The peer's node: its bitswap carries the wants, its blockstore keeps what arrives. */
  helia: BlockGetter
  /** The connected peers that proved they are devices of `vault` (and are not revoked). */
  devicesOf: (vault: string) => PeerId[]
}

interface Waiter {
  vault: string
  resolve: (block: Uint8Array) => void
  reject: (err: unknown) => void
}

interface Want {
  cid: CID
  waiters: Set<Waiter>
  /** Who was asked (PeerId string → PeerId), so a cancel reaches exactly them. */
  askedPeers: Map<string, PeerId>
}

/**
 * The backup peer's block fetches, each asked of the connected devices of
 * the vault it is for, and of nobody else (issue 12).
 *
 * Helia's own fetch (`blockstore.get` → bitswap `want`) puts the CID on one
 * wantlist that @helia/bitswap sends to every connected bitswap peer, and
 * to every peer that connects later: with many vaults on one peer, each
 * device heard every vault's wants (which ciphertext other users back up)
 * and kept them in its ledger, rechecking all of them on each message.
 * Helia sessions are no way out: a session evicts a provider after one
 * "don't have" and then searches the routing for more.
 *
 * Here a want goes, as a bitswap WANT_BLOCK, only to the peers
 * `devicesOf(vault)` names; a device that proves itself later
 * (`deviceReady`) is sent the wants of its vault then; the block bitswap
 * delivers (its CID hashed from its bytes by bitswap, so it is the block
 * asked for) is kept in the blockstore; and the other askers are sent a
 * cancel, so no ledger keeps a want that is no longer open. A fetch waits
 * until its signal ends it: the caller owns the time limit.
 */
export class DeviceWants {
  private readonly wants = new Map<string, Want>()
  /** Blocks that arrived and are being written (a fetch for one of them waits for the write instead of asking again). */
  private readonly storing = new Map<string, Promise<Uint8Array>>()
  /** Entries to send per peer, sent together shortly (several fetches ask at once). */
  private readonly outbox = new Map<string, { peer: PeerId, entries: Map<string, WantEntry> }>()
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private bitswap: BitswapParts | undefined

  constructor (private readonly components: DeviceWantsComponents) {
    this.received = this.received.bind(this)
    this.disconnected = this.disconnected.bind(this)
  }

  /** Listens to the node's bitswap (started with the node). Throws when the installed bitswap has no such seam (a version change). */
  start (): void {
    if (this.bitswap !== undefined) return
    const brokers = (this.components.helia as { blockBrokers?: BrokerInternals[] }).blockBrokers ?? []
    const parts = brokers.find(broker => broker.name === 'bitswap')?.bitswap
    if (parts?.network === undefined || parts.wantList === undefined || typeof parts.network.sendMessage !== 'function') {
      throw new Error('this @helia/bitswap has no network and wantlist to send wants through')
    }
    this.bitswap = { network: parts.network, wantList: parts.wantList }
    this.bitswap.wantList.addEventListener('block', this.received)
    this.bitswap.network.addEventListener('peer:disconnected', this.disconnected)
  }

  /** Stops listening; fetches still waiting wait on (their signals end them). */
  stop (): void {
    this.bitswap?.wantList.removeEventListener('block', this.received)
    this.bitswap?.network.removeEventListener('peer:disconnected', this.disconnected)
    this.bitswap = undefined
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    this.outbox.clear()
  }

  /** Fetches a block the peer lacks from the devices of `vault`, keeps it, and returns it. */
  async fetch (vault: string, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    signal.throwIfAborted()
    if (this.bitswap === undefined) throw new Error('block fetches are not started')
    const key = base64.encode(cid.multihash.bytes)
    const arriving = this.storing.get(key)
    if (arriving !== undefined) return await arriving
    let want = this.wants.get(key)
    if (want === undefined) {
      want = { cid, waiters: new Set(), askedPeers: new Map() }
      this.wants.set(key, want)
    }
    const current = want
    return await new Promise<Uint8Array>((resolve, reject) => {
      const abort = (): void => {
        current.waiters.delete(waiter)
        reject(signal.reason)
        if (current.waiters.size === 0 && this.wants.get(key) === current) {
          this.wants.delete(key)
          for (const peer of current.askedPeers.values()) this.queue(peer, key, entry(current.cid, true))
        }
      }
      const waiter: Waiter = {
        vault,
        resolve: (block) => { signal.removeEventListener('abort', abort); resolve(block) },
        reject: (err) => { signal.removeEventListener('abort', abort); reject(err) }
      }
      current.waiters.add(waiter)
      signal.addEventListener('abort', abort, { once: true })
      for (const peer of this.components.devicesOf(vault)) this.ask(current, key, peer)
    })
  }

  /** `peer` is a connected device of `vault` (new, back, or on a new connection): it is asked for what the vault's fetches wait for and it was not asked yet. */
  deviceReady (peer: PeerId, vault: string): void {
    for (const [key, want] of this.wants) {
      if ([...want.waiters].some(waiter => waiter.vault === vault)) this.ask(want, key, peer)
    }
  }

  private ask (want: Want, key: string, peer: PeerId): void {
    const id = peer.toString()
    if (want.askedPeers.has(id)) return
    want.askedPeers.set(id, peer)
    this.queue(peer, key, entry(want.cid, false))
  }

  private queue (peer: PeerId, key: string, wanted: WantEntry): void {
    const id = peer.toString()
    let box = this.outbox.get(id)
    if (box === undefined) {
      box = { peer, entries: new Map() }
      this.outbox.set(id, box)
    }
    // A later entry for the same block (a cancel after a want) replaces the earlier.
    box.entries.set(key, wanted)
    this.flushTimer ??= setTimeout(() => { this.flush() }, 0)
  }

  private flush (): void {
    this.flushTimer = undefined
    const network = this.bitswap?.network
    const boxes = [...this.outbox.values()]
    this.outbox.clear()
    if (network === undefined) return
    for (const { peer, entries } of boxes) {
      const message: QueuedMessage = { full: false, pendingBytes: 0, wantlist: entries, blocks: new Map(), blockPresences: new Map() }
      network.sendMessage(peer, message).catch(() => {
        // Not delivered (the connection closed): the device is asked again when it proves itself again.
        this.forgetAsked(peer.toString())
      })
    }
  }

  private received (event: CustomEvent<ReceivedBlock>): void {
    const { cid, block, sender } = event.detail
    const key = base64.encode(cid.multihash.bytes)
    const want = this.wants.get(key)
    if (want === undefined) return
    this.wants.delete(key)
    const from = sender.toString()
    for (const [id, peer] of want.askedPeers) {
      if (id !== from) this.queue(peer, key, entry(want.cid, true))
    }
    // Kept under the CID asked for (bitswap rebuilt it from the sender's prefix: same multihash, so the same bytes).
    const stored = Promise.resolve(this.components.helia.blockstore.put(want.cid, block)).then(() => block)
    this.storing.set(key, stored)
    stored.then(
      () => { for (const waiter of want.waiters) waiter.resolve(block) },
      (err: unknown) => { for (const waiter of want.waiters) waiter.reject(err) }
    ).finally(() => { this.storing.delete(key) })
  }

  private disconnected (event: CustomEvent<PeerId>): void {
    this.forgetAsked(event.detail.toString())
  }

  /** A peer whose connection is gone no longer holds our wants: it is asked afresh when it comes back. */
  private forgetAsked (id: string): void {
    for (const want of this.wants.values()) want.askedPeers.delete(id)
    this.outbox.delete(id)
  }
}

function entry (cid: CID, cancel: boolean): WantEntry {
  return { cid: cid.bytes, priority: 1, wantType: 'WantBlock', cancel, sendDontHave: false }
}
