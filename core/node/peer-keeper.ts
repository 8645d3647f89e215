import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { backoffDelay, type BackoffPolicy } from '../backoff.ts'
import { systemClock, type Clock } from '../clock.ts'
import type { Log } from '../log.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

export interface PeerKeeperComponents {
  libp2p: Libp2p
  log: Log
}

export interface PeerKeeperInit {
  /** First retry after a failed dial; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number
  maxBackoffMs?: number
  /** When a retry is due (default the system clock; tests move it by hand). */
  now?: Clock
}

interface Kept {
  address: Multiaddr
  peerId: string
  failures: number
  nextAttempt: number
  lastError?: string
  dialing: boolean
}

/** How often the keeper looks at its peers; dials themselves wait for their backoff. */
const TICK_MS = 1000

/**
 * Keeps this node connected to the peers it must not lose: its relays and its
 * backup peers. When one restarts or the network drops, the keeper redials
 * with exponential backoff, so the app reconnects by itself without a reload.
 */
export class PeerKeeper {
  private readonly kept = new Map<string, Kept>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly backoff: BackoffPolicy
  private readonly now: Clock

  constructor (private readonly components: PeerKeeperComponents, init: PeerKeeperInit = {}) {
    this.backoff = { baseMs: init.minBackoffMs ?? 500, maxMs: init.maxBackoffMs ?? 15_000 }
    this.now = init.now ?? systemClock
  }

  private started = false

  start (): void {
    this.started = true
    this.watch()
    this.tick()
  }

  stop (): void {
    this.started = false
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Looks every second while there is something to keep; with nothing, no timer wakes the process (an idle desktop). */
  private watch (): void {
    if (!this.started) return
    if (this.kept.size > 0) this.timer ??= setInterval(() => { this.tick() }, TICK_MS)
    else if (this.timer !== undefined) { clearInterval(this.timer); this.timer = undefined }
  }

  /** Adds an address to keep connected (must end in /p2p/<peerId>). Returns its peer id. */
  keep (address: string): string {
    const ma = multiaddr(address)
    const peerId = ma.getComponents().findLast(c => c.name === 'p2p')?.value
    if (peerId === undefined) throw new Error(`${address} does not name a peer (/p2p/<id>)`)
    if (!this.kept.has(address)) {
      this.kept.set(address, { address: ma, peerId, failures: 0, nextAttempt: 0, dialing: false })
      this.watch()
      this.tick()
    }
    return peerId
  }

  forget (address: string): void {
    this.kept.delete(address)
    this.watch()
  }

  /** Addresses kept and whether each is connected right now. */
  status (): Array<{ address: string, peerId: string, connected: boolean, lastError?: string }> {
    return [...this.kept.entries()].map(([address, k]) => ({
      address,
      peerId: k.peerId,
      connected: this.isConnected(k.peerId),
      ...(k.lastError !== undefined ? { lastError: k.lastError } : {})
    }))
  }

  private isConnected (peerId: string): boolean {
    return this.components.libp2p.getConnections().some(c => c.remotePeer.toString() === peerId && c.status === 'open')
  }

  private tick (): void {
    const now = this.now()
    for (const k of this.kept.values()) {
      if (k.dialing || now < k.nextAttempt || this.isConnected(k.peerId)) continue
      k.dialing = true
      this.components.libp2p.dial(k.address, { signal: AbortSignal.timeout(10_000) }).then((connection) => {
        k.failures = 0
        delete k.lastError
        this.components.log.info(`connected to ${shortId(connection.remotePeer)}`)
      }, (err: Error) => {
        k.lastError = err.message
        const delay = backoffDelay(++k.failures, this.backoff)
        k.nextAttempt = this.now() + delay
        this.components.log.debug(`dial ${k.address.toString()} failed (${err.message}); retrying in ${delay} ms`)
      }).finally(() => { k.dialing = false })
    }
  }
}

function shortId (peer: PeerId): string {
  return peer.toString().slice(-8)
}
