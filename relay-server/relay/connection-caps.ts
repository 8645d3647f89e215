import { throttled, type Logger } from '../shared/log.ts'
import { REFUSAL_LOG_WINDOW_MS } from './constants.ts'
import { ipOf } from './ip.ts'
import type { MultiaddrConnection } from '@libp2p/interface'

/**
 * Caps open connections per remote IP address. It counts raw inbound
 * connections from the moment the connection gater sees them (before the
 * noise/yamux handshake) until they close, so a burst of half-open
 * connections counts as much as finished ones.
 */
export class ConnectionCaps {
  private readonly byIp = new Map<string, Set<MultiaddrConnection>>()
  private readonly maxPerIp: number
  private readonly refused: (msg: string, fields?: Record<string, unknown>) => void

  constructor (init: { maxConnectionsPerIp: number, log: Logger }) {
    this.maxPerIp = init.maxConnectionsPerIp
    this.refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
  }

  /** ConnectionGater.denyInboundConnection: true refuses the connection. */
  denyInboundConnection (maConn: MultiaddrConnection): boolean {
    const ip = ipOf(maConn.remoteAddr)
    if (ip === undefined) return false
    let open = this.byIp.get(ip)
    if (open !== undefined && open.size >= this.maxPerIp) {
      this.refused('connection refused: too many connections from one IP address', { ip, open: open.size, cap: this.maxPerIp })
      return true
    }
    if (open === undefined) {
      open = new Set()
      this.byIp.set(ip, open)
    }
    const set = open
    set.add(maConn)
    maConn.addEventListener('close', () => {
      set.delete(maConn)
      if (set.size === 0 && this.byIp.get(ip) === set) this.byIp.delete(ip)
    }, { once: true })
    return false
  }

  /** Open inbound connections from `ip` as counted here. */
  count (ip: string): number {
    return this.byIp.get(ip)?.size ?? 0
  }
}
