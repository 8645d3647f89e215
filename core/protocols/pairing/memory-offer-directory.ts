import { systemClock } from '../../clock.ts'
import { PairingCodeLimitError, PairingLookupLimitError } from '../../errors.ts'
import { RateWindows } from './rate-windows.ts'
import type { OfferDirectory, OfferSource } from './offer-directory.ts'

export interface MemoryOfferDirectoryInit {
  /** The clock (ms since the epoch). */
  now?: () => number
  /** Live entries kept at most (default 1,000). */
  maxEntries?: number
  /** Times one entry is handed out (default 3: B may retry; a guesser gets few copies). */
  maxReads?: number
  /** Longest lifetime accepted (default 15 minutes); later expiries are cut to it. */
  maxTtlMs?: number
  /** Largest sealed offer kept (default 8 KiB). */
  maxSealedBytes?: number
  /**
   * Live entries one peer may keep (default 3); its next publish replaces its
   * oldest. An honest device shows one code at a time, but codes are not
   * withdrawn: a user who closes "Add a device" and opens it again makes
   * another while the first still lives, and the newest is the one on screen.
   * Replacing keeps a stranger to 3 entries without ever refusing that user.
   */
  maxEntriesPerPeer?: number
  /**
   * Live entries all peers from one IP key may keep (default 8): a household
   * or office behind one address pairs a device or two at a time, and one
   * address holds under 1% of the directory, so filling it takes 125 of them.
   */
  maxEntriesPerIp?: number
  /**
   * Live entries all peers without a known IP may keep together (default 100,
   * a tenth). A peer that came through a circuit shows no IP of its own (the
   * hop's is not its), so fresh PeerIds that way could otherwise fill the
   * directory; grouped, they can take only this share from everyone else.
   */
  maxEntriesWithoutIp?: number
  /**
   * Lookups one peer may make per minute (default 10). A joining device
   * looks a code up once, again after a wrong secret; every lookup of a live
   * id uses up one of its reads, and each answer is a copy to guess at.
   */
  lookupsPerPeerPerMinute?: number
  /** Lookups per minute from one IP key, all its peers together (default 30). */
  lookupsPerIpPerMinute?: number
  /** Lookups per minute from all peers without a known IP together (default 300). */
  lookupsWithoutIpPerMinute?: number
}

const MINUTE_MS = 60_000
/** The IP bucket of peers whose IP is not known; `ipKey`s are addresses or /64 prefixes, never this. */
const WITHOUT_IP = 'without-ip'

interface Entry {
  sealed: Uint8Array
  expiresAt: number
  reads: number
  from?: OfferSource
}

/**
 * An in-memory, TTL-bounded, capped directory (a relay's, or a test's).
 * Asked with an `OfferSource` (as the rendezvous does), it also bounds what
 * each peer and each IP key may hold and how fast they may look codes up, so
 * one stranger cannot take every entry or read honest ones away. The shares
 * count live entries, so an address that fills its own is refused until one
 * of them expires (15 minutes at most).
 */
export class MemoryOfferDirectory implements OfferDirectory {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number
  private readonly settings: Required<Omit<MemoryOfferDirectoryInit, 'now'>>
  private readonly lookups: RateWindows

  constructor (init: MemoryOfferDirectoryInit = {}) {
    this.now = init.now ?? systemClock
    this.settings = {
      maxEntries: init.maxEntries ?? 1000,
      maxReads: init.maxReads ?? 3,
      maxTtlMs: init.maxTtlMs ?? 15 * MINUTE_MS,
      maxSealedBytes: init.maxSealedBytes ?? 8192,
      maxEntriesPerPeer: init.maxEntriesPerPeer ?? 3,
      maxEntriesPerIp: init.maxEntriesPerIp ?? 8,
      maxEntriesWithoutIp: init.maxEntriesWithoutIp ?? 100,
      lookupsPerPeerPerMinute: init.lookupsPerPeerPerMinute ?? 10,
      lookupsPerIpPerMinute: init.lookupsPerIpPerMinute ?? 30,
      lookupsWithoutIpPerMinute: init.lookupsWithoutIpPerMinute ?? 300
    }
    this.lookups = new RateWindows(MINUTE_MS, this.now)
  }

  /**
   * False when the id is taken, the request malformed or the directory full.
   * With `from`: a peer at its share replaces its own oldest entry, and
   * PAIRING_CODE_LIMIT refuses a peer whose IP key (or the group of peers
   * without one) holds its share.
   */
  async publish (lookupId: string, sealed: Uint8Array, expiresAt: number, from?: OfferSource): Promise<boolean> {
    const now = this.now()
    this.prune(now)
    if (!/^\d{5}$/.test(lookupId) || sealed.length > this.settings.maxSealedBytes || !(expiresAt > now)) return false
    if (this.entries.has(lookupId)) return false
    const replaced = from === undefined ? undefined : this.replacedFor(from)
    const freed = replaced === undefined ? 0 : 1
    if (this.entries.size - freed >= this.settings.maxEntries) return false
    if (replaced !== undefined) this.entries.delete(replaced)
    this.entries.set(lookupId, { sealed: sealed.slice(), expiresAt: Math.min(expiresAt, now + this.settings.maxTtlMs), reads: 0, ...(from !== undefined ? { from } : {}) })
    return true
  }

  /** The sealed offer, or undefined; PAIRING_LOOKUP_LIMIT when `from` asked too often this minute. */
  async lookup (lookupId: string, from?: OfferSource): Promise<Uint8Array | undefined> {
    if (from !== undefined) this.countLookup(from)
    this.prune(this.now())
    const entry = this.entries.get(lookupId)
    if (entry === undefined) return undefined
    if (++entry.reads >= this.settings.maxReads) this.entries.delete(lookupId)
    return entry.sealed.slice()
  }

  /** Live entries (for tests and the relay's status). */
  get size (): number {
    this.prune(this.now())
    return this.entries.size
  }

  /** The id of `from`'s own oldest entry when it holds its share (undefined: none to replace); PAIRING_CODE_LIMIT when its IP key holds its share. */
  private replacedFor (from: OfferSource): string | undefined {
    const s = this.settings
    const ip = from.ipKey ?? WITHOUT_IP
    const own: string[] = [] // oldest first: a Map iterates in insertion order
    let byIp = 0
    for (const [id, { from: other }] of this.entries) {
      if (other === undefined) continue
      if (other.peer === from.peer) own.push(id)
      if ((other.ipKey ?? WITHOUT_IP) === ip) byIp++
    }
    const replaced = own.length >= s.maxEntriesPerPeer ? own[0] : undefined
    const ipShare = from.ipKey === undefined ? s.maxEntriesWithoutIp : s.maxEntriesPerIp
    // The replaced entry counted under this IP key too, unless the peer moved address since.
    const freed = replaced !== undefined && (this.entries.get(replaced)?.from?.ipKey ?? WITHOUT_IP) === ip ? 1 : 0
    if (byIp - freed >= ipShare) throw new PairingCodeLimitError()
    return replaced
  }

  private countLookup (from: OfferSource): void {
    const s = this.settings
    const peer = `peer ${from.peer}`
    const ip = `ip ${from.ipKey ?? WITHOUT_IP}`
    const perIp = from.ipKey === undefined ? s.lookupsWithoutIpPerMinute : s.lookupsPerIpPerMinute
    if (!this.lookups.allows(peer, s.lookupsPerPeerPerMinute) || !this.lookups.allows(ip, perIp)) throw new PairingLookupLimitError()
    this.lookups.count(peer)
    this.lookups.count(ip)
  }

  private prune (now: number): void {
    for (const [id, entry] of this.entries) if (now >= entry.expiresAt) this.entries.delete(id)
  }
}
