import { sha256 } from 'multiformats/hashes/sha2'
import { BlockSession, type Entry, type Miss } from './block-session.ts'
import { BLOCKS_PROTOCOL } from './block-wire.ts'
import { joinBlock, type FetchedBlock, type HashPieces } from './fetched-block.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface BlockFetcherComponents {
  libp2p: Pick<Libp2p, 'dialProtocol'>
  /**
   * The connected peers to ask for `scope`'s blocks, in order. The backup
   * peer: a vault's proven devices (as DeviceWants asks them); a device: its
   * backup peers, then its vault's other devices (one scope, '').
   */
  sourcesOf: (scope: string) => PeerId[]
  /** Keeps a block that matched its CID (where DeviceWants' blocks go); in pieces only with `hashPieces`. */
  put: (cid: CID, block: FetchedBlock) => Promise<void>
  /** Everything the exchange did not bring: DeviceWants over bitswap, as before it. */
  fallback: (scope: string, cid: CID, signal: AbortSignal) => Promise<Uint8Array>
}

export interface BlockFetcherInit {
  /** Blocks requested and not yet stored, per device. */
  window?: number
  /** No answer for this long: the stream is dropped and what it owed goes to bitswap. */
  stallMs?: number
  /** A stream with no work for this long is ended. */
  idleMs?: number
  /** A device that lacks the protocol, refused, or whose stream broke or stalled is not asked again for this long (or until it reconnects). */
  retryMs?: number
  /** A peer that refused is asked again after this long (default `retryMs`): a device refused before it proved itself to its backup peer. */
  refusedRetryMs?: number
  /** A peer that sent a wrong block is left to bitswap for `retryMs` too, not only for the rest of the attempt (a device's reads have no attempts). */
  skipAfterMismatch?: boolean
  /** SHA-256 over pieces (Node's hasher): blocks are then hashed and stored as they arrived, never joined (see SessionOptions). */
  hashPieces?: HashPieces
}

/** Where the blocks came from, for tests and the bench (counts, not timing). */
export interface BlockFetchStats {
  /** Blocks that came over the batched exchange. */
  viaExchange: number
  /** Blocks fetched through the fallback (bitswap). */
  viaFallback: number
  /** Blocks a device sent that did not match their CID. */
  mismatches: number
  /** Streams opened. */
  streams: number
}

/**
 * Block fetches over the batched exchange (`/cairn/blocks/1.0.0`,
 * block-wire.ts), with bitswap behind it: the backup peer's from a vault's
 * devices, and a device's (a restore, kept files, reads) from its backup
 * peers and other devices (exchange-reads.ts).
 *
 * A fetch goes to the first of its sources (for the peer: its vault's own
 * proven devices) that speaks the protocol and is trusted for this attempt,
 * over that source's one stream, where it joins the other fetches asking it at once. A device
 * without the protocol, a "don't have", a refusal, a broken or stalled
 * stream, or a block that does not match its CID: the CID goes to the
 * fallback, so whatever worked before still does (an older device backs up
 * over bitswap). A device that sent a wrong block is not asked again for
 * the rest of the attempt (the fetch's signal is one per attempt of
 * `fetchAndPin`). Only SHA-256 CIDs come this way (Cairn's blocks); any
 * other goes to the fallback.
 */
export class BlockFetcher {
  readonly stats: BlockFetchStats = { viaExchange: 0, viaFallback: 0, mismatches: 0, streams: 0 }
  private readonly sessions = new Map<string, Promise<BlockSession | undefined>>()
  /** Devices not to ask until the time given: no protocol, refused, a broken or stalled stream. */
  private readonly skip = new Map<string, number>()
  /** Per attempt (its signal), the devices that sent a block not matching its CID. */
  private readonly distrusted = new WeakMap<AbortSignal, Set<string>>()
  private readonly window: number
  private readonly stallMs: number
  private readonly idleMs: number
  private readonly retryMs: number
  private readonly refusedRetryMs: number
  private readonly skipAfterMismatch: boolean
  private readonly hashPieces: HashPieces | undefined
  private stopped = false

  constructor (private readonly c: BlockFetcherComponents, init: BlockFetcherInit = {}) {
    this.window = init.window ?? 48
    this.stallMs = init.stallMs ?? 10_000
    this.idleMs = init.idleMs ?? 30_000
    this.retryMs = init.retryMs ?? 5 * 60_000
    this.refusedRetryMs = init.refusedRetryMs ?? this.retryMs
    this.skipAfterMismatch = init.skipAfterMismatch ?? false
    this.hashPieces = init.hashPieces
  }

  /** The block as one buffer. */
  async fetch (scope: string, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    return joinBlock(await this.fetchPieces(scope, cid, signal))
  }

  /** The block as it arrived, in pieces if it came that way (for a caller that only stores it or counts its bytes). */
  async fetchPieces (scope: string, cid: CID, signal: AbortSignal): Promise<FetchedBlock> {
    signal.throwIfAborted()
    if (!this.stopped && cid.multihash.code === sha256.code) {
      const distrusted = this.distrusted.get(signal)
      const now = Date.now()
      for (const device of this.c.sourcesOf(scope)) {
        const id = device.toString()
        if (distrusted?.has(id) === true || (this.skip.get(id) ?? 0) > now) continue
        const session = await this.session(device, signal)
        if (session === undefined) continue
        const got = await this.ask(session, cid, signal)
        if (typeof got !== 'string') {
          this.stats.viaExchange++
          return got
        }
        if (got === 'mismatch') {
          this.stats.mismatches++
          this.distrust(signal, id)
          if (this.skipAfterMismatch) this.skip.set(id, Date.now() + this.retryMs)
        }
        // One device tried: the rest is bitswap's, which asks every device of the vault at once.
        break
      }
    }
    const block = await this.c.fallback(scope, cid, signal)
    this.stats.viaFallback++
    return block
  }

  /** A device disconnected: its stream is gone, and it may come back with the protocol. */
  peerGone (peer: string): void {
    this.skip.delete(peer)
    const pending = this.sessions.get(peer)
    this.sessions.delete(peer)
    // Ending it marks the device skipped: that mark goes too, it may be back with the protocol.
    void pending?.then((session) => { session?.end('failed'); this.skip.delete(peer) })
  }

  stop (): void {
    this.stopped = true
    for (const pending of this.sessions.values()) void pending.then((session) => { session?.end('failed') })
    this.sessions.clear()
  }

  private distrust (signal: AbortSignal, peer: string): void {
    let set = this.distrusted.get(signal)
    if (set === undefined) { set = new Set(); this.distrusted.set(signal, set) }
    set.add(peer)
  }

  private async ask (session: BlockSession, cid: CID, signal: AbortSignal): Promise<FetchedBlock | Miss> {
    return await new Promise<FetchedBlock | Miss>((resolve, reject) => {
      const abort = (): void => { session.forget(entry); reject(signal.reason) }
      const entry: Entry = {
        cid,
        cancelled: false,
        done: (block) => { signal.removeEventListener('abort', abort); resolve(block) },
        missed: (why) => { signal.removeEventListener('abort', abort); resolve(why) }
      }
      signal.addEventListener('abort', abort, { once: true })
      session.add(entry)
    })
  }

  /** The open session to `device`, opening one if there is none; undefined when it cannot be had (remembered). */
  private async session (device: PeerId, signal: AbortSignal): Promise<BlockSession | undefined> {
    const id = device.toString()
    for (let known = this.sessions.get(id); known !== undefined; known = this.sessions.get(id)) {
      const session = await known
      if (session?.isOpen === true) return session
      // Another fetch may have replaced it meanwhile: then look again, so one stream is opened, not two.
      if (this.sessions.get(id) !== known) continue
      this.sessions.delete(id)
      if (session === undefined) return undefined
      break
    }
    const opening = this.open(device, signal)
    this.sessions.set(id, opening)
    const session = await opening
    if (session === undefined && this.sessions.get(id) === opening) this.sessions.delete(id)
    return session
  }

  private async open (device: PeerId, signal: AbortSignal): Promise<BlockSession | undefined> {
    const id = device.toString()
    let stream
    try {
      stream = await this.c.libp2p.dialProtocol(device, BLOCKS_PROTOCOL, { runOnLimitedConnection: true, signal: AbortSignal.any([signal, AbortSignal.timeout(this.stallMs)]) })
    } catch {
      // No such protocol there (an older device), or no way through: bitswap, and not asked again for a while.
      if (!signal.aborted) this.skip.set(id, Date.now() + this.retryMs)
      return undefined
    }
    if (this.stopped) { stream.abort(new Error('the fetcher stopped')); return undefined }
    this.stats.streams++
    return new BlockSession(stream, {
      window: this.window,
      stallMs: this.stallMs,
      idleMs: this.idleMs,
      put: this.c.put,
      ...(this.hashPieces !== undefined ? { hashPieces: this.hashPieces } : {}),
      ended: (session, why) => {
        // Refused, or a stream that broke or stalled: bitswap for a while (or until the device reconnects), not a stall per wave of fetches.
        if (why === 'refused' || why === 'failed') this.skip.set(id, Date.now() + (why === 'refused' ? this.refusedRetryMs : this.retryMs))
        void this.sessions.get(id)?.then((current) => { if (current === session) this.sessions.delete(id) })
      }
    })
  }
}
