import { throttled, type Logger } from '../shared/log.ts'
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

/**
 * Caps open inbound connections per remote IP address (IPv6: per /64, see
 * `ipKey`) and per peer. The IP count starts when the connection gater first
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
  private readonly refused: (msg: string, fields?: Record<string, unknown>) => void

  constructor (init: { maxConnectionsPerIp: number, maxConnectionsPerPeer: number, log: Logger }) {
    this.maxPerIp = init.maxConnectionsPerIp
    this.maxPerPeer = init.maxConnectionsPerPeer
    this.refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
  }

  /** ConnectionGater.denyInboundConnection: true refuses the connection. */
  denyInboundConnection (maConn: MultiaddrConnection): boolean {
    const ip = ipKeyOf(maConn.remoteAddr)
    if (ip === undefined) return false
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
