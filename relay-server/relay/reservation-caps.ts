import { throttled, type Logger } from '../shared/log.ts'
import { REFUSAL_LOG_WINDOW_MS } from './constants.ts'
import { ipKeyOf } from './ip.ts'
import type { RelayReservation } from '@libp2p/circuit-relay-v2'
import type { Connection, PeerId } from '@libp2p/interface'
import type { PeerMap } from '@libp2p/peer-collections'

/** What the caps read from the running node (bound after libp2p is created). */
export interface ReservationSource {
  reservations: PeerMap<RelayReservation>
  connectionsOf: (peer: PeerId) => Connection[]
}

/**
 * Caps relay reservations per remote IP address (IPv6: per /64, see `ipKey`;
 * one peer holds at most one reservation by the protocol itself; the total is capped by the
 * relay's own reservation store, `maxReservations`), and drops a reservation as soon as its peer
 * disconnects: libp2p keeps it for its whole TTL (2 h) otherwise, and a burst
 * of throwaway peers would hold every slot for that long.
 */
export class ReservationCaps {
  private source?: ReservationSource
  private readonly maxPerIp: number
  private readonly log: Logger
  private readonly refused: (msg: string, fields?: Record<string, unknown>) => void
  /**
   * Peers allowed by the gater whose reservation is not in the store yet:
   * the store adds it a microtask later, and requests racing in between must
   * see it counted.
   */
  private readonly granting = new Map<string, string>()

  private readonly maxTotal: number

  constructor (init: { maxReservations: number, maxReservationsPerIp: number, log: Logger }) {
    this.maxTotal = init.maxReservations
    this.maxPerIp = init.maxReservationsPerIp
    this.log = init.log
    this.refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
  }

  attach (source: ReservationSource): void {
    this.source = source
  }

  /** Reservations (held or being granted) by peers connected from `ip` (an `ipKey`). */
  count (ip: string): number {
    let n = 0
    for (const [peer, reservation] of this.source?.reservations ?? []) {
      if (!this.granting.has(peer.toString()) && ipKeyOf(reservation.addr) === ip) n++
    }
    for (const grantedIp of this.granting.values()) if (grantedIp === ip) n++
    return n
  }

  /** ConnectionGater.denyInboundRelayReservation: true refuses the reservation. */
  denyInboundRelayReservation (peer: PeerId): boolean {
    const source = this.source
    if (source === undefined) return true
    // A refresh of a reservation already held never counts twice.
    if (source.reservations.has(peer)) return false
    if (source.reservations.size >= this.maxTotal) {
      // The relay's store refuses it (RESERVATION_REFUSED, the status the spec
      // has for this); we only say so in the log.
      this.refused('reservation refused: the relay holds its maximum', { peer: peer.toString(), cap: this.maxTotal })
      return false
    }
    const ips = new Set(source.connectionsOf(peer).map(c => ipKeyOf(c.remoteAddr)).filter(ip => ip !== undefined))
    for (const ip of ips) {
      const held = this.count(ip)
      if (held >= this.maxPerIp) {
        this.refused('reservation refused: too many reservations from one IP address', { ip, held, cap: this.maxPerIp })
        return true
      }
    }
    const key = peer.toString()
    const [ip] = ips
    if (ip !== undefined) {
      this.granting.set(key, ip)
      // By the next macrotask the relay has stored the reservation (or refused it).
      setImmediate(() => { this.granting.delete(key) })
    }
    return false
  }

  /** Called on 'peer:disconnect': the peer's reservation is useless without a connection. */
  dropReservation (peer: PeerId): void {
    const reservation = this.source?.reservations.get(peer)
    if (reservation === undefined) return
    reservation.signal.clear()
    this.source?.reservations.delete(peer)
    this.log.debug('reservation dropped: peer disconnected', { peer: peer.toString() })
  }
}
