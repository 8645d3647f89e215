import { throttled, type Logger } from '../shared/log.ts'
import { systemClock, type Clock } from '../../core/clock.ts'
import { REFUSAL_LOG_WINDOW_MS } from './constants.ts'
import { ipKeyOf } from './ip.ts'
import type { MultiaddrConnection, PeerId } from '@libp2p/interface'

/** Open connections per key; a connection leaves its set when it closes. */
class OpenCounts {
  private readonly byKey = new Map<string, Set<MultiaddrConnection>>()

  count (key: string): number {
    return this.byKey.get(key)?.size ?? 0
  }

  add (key: string, maConn: MultiaddrConnection): void {
    let set = this.byKey.get(key)
    if (set === undefined) {
      set = new Set()
      this.byKey.set(key, set)
    }
    const open = set
    open.add(maConn)
    maConn.addEventListener('close', () => {
      open.delete(maConn)
      if (open.size === 0 && this.byKey.get(key) === open) this.byKey.delete(key)
    }, { once: true })
  }
}

/** How long one rate window lasts: `connectionRatePerIp` is per second. */
const RATE_WINDOW_MS = 1000

/** New connections per key in its current window; windows that ended are swept once a window. */
class RateWindows {
  private readonly windows = new Map<string, { start: number, count: number }>()
  private swept = -Infinity

  constructor (private readonly perWindow: number, private readonly now: Clock) {}

  /** Counts one more connection from `key`; false when it is past the rate. */
  take (key: string): boolean {
    const now = this.now()
    if (now - this.swept >= RATE_WINDOW_MS) {
      for (const [k, w] of this.windows) if (now - w.start >= RATE_WINDOW_MS) this.windows.delete(k)
      this.swept = now
    }
    let window = this.windows.get(key)
    if (window === undefined || now - window.start >= RATE_WINDOW_MS) {
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    if (window.count >= this.perWindow) return false
    window.count++
    return true
  }
}

export interface ConnectionCapsInit {
  maxConnectionsPerIp: number
  maxConnectionsPerPeer: number
  /**
   * New connections per second per IP key. libp2p's own
   * `inboundConnectionThreshold` counts single addresses, so a host rotating
   * through its IPv6 /64 would pass it; this one counts the /64.
   */
  connectionRatePerIp: number
  log: Logger
  /** Milliseconds clock (tests move it by hand). */
  now?: Clock
}

/**
 * Caps new inbound connections per second and open inbound connections per
 * remote IP address (IPv6: per /64, see `ipKey`), and open ones per peer. The IP count starts when the connection gater first
 * sees a raw connection (before the noise/yamux handshake), so a burst of
 * half-open connections counts as much as finished ones; the peer count
 * starts once the handshake has named the peer. Both last until the
 * connection closes.
 */
export class ConnectionCaps {
  private readonly byIp = new OpenCounts()
  private readonly byPeer = new OpenCounts()
  private readonly maxPerIp: number
  private readonly maxPerPeer: number
  private readonly rate: RateWindows
  private readonly ratePerIp: number
  private readonly refused: (msg: string, fields?: Record<string, unknown>) => void

  constructor (init: ConnectionCapsInit) {
    this.maxPerIp = init.maxConnectionsPerIp
    this.maxPerPeer = init.maxConnectionsPerPeer
    this.ratePerIp = init.connectionRatePerIp
    this.rate = new RateWindows(init.connectionRatePerIp, init.now ?? systemClock)
    this.refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS, init.now)
  }

  /** ConnectionGater.denyInboundConnection: true refuses the connection. */
  denyInboundConnection (maConn: MultiaddrConnection): boolean {
    const ip = ipKeyOf(maConn.remoteAddr)
    if (ip === undefined) return false
    if (!this.rate.take(ip)) {
      this.refused('connection refused: too many new connections per second from one IP address', { ip, cap: this.ratePerIp })
      return true
    }
    const open = this.byIp.count(ip)
    if (open >= this.maxPerIp) {
      this.refused('connection refused: too many connections from one IP address', { ip, open, cap: this.maxPerIp })
      return true
    }
    this.byIp.add(ip, maConn)
    return false
  }

  /** ConnectionGater.denyInboundEncryptedConnection: true refuses the connection once its peer is known. */
  denyInboundEncryptedConnection (peer: PeerId, maConn: MultiaddrConnection): boolean {
    const key = peer.toString()
    const open = this.byPeer.count(key)
    if (open >= this.maxPerPeer) {
      this.refused('connection refused: too many connections from one peer', { peer: key, open, cap: this.maxPerPeer })
      return true
    }
    this.byPeer.add(key, maConn)
    return false
  }
}
