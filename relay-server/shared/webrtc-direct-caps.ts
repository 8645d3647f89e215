import { REFUSAL_LOG_WINDOW_MS } from '../relay/constants.ts'
import { ipKey } from '../relay/ip.ts'
import { PerIpCount } from './per-ip-count.ts'
import { throttled, type Logger } from './log.ts'
import type { Transport } from '@libp2p/interface'

/**
 * Caps on WebRTC-direct handshakes before libp2p sees them. The listener
 * builds a native peer connection (DTLS, SCTP, ICE) for every STUN binding
 * request with a new ufrag, one UDP packet each, and holds it until the
 * inbound upgrade times out (10 s); libp2p's gater and pending count only
 * meet it once Noise is done. Without these caps one client sending a few
 * thousand packets made the process hold thousands of peer connections
 * (about 0.1 MiB each) with no bound.
 */
export interface WebRTCDirectCapsInit {
  /** Handshakes in flight from everyone together. */
  maxPendingConnections: number
  /** Handshakes in flight from one IP key (`ipKey`: IPv6 per /64). */
  maxPendingPerIp: number
  log: Logger
}

/** Handshakes one address may have in flight unless told otherwise: a real client makes one at a time. */
export const DEFAULT_WEBRTC_PENDING_PER_IP = 8

/** Handshakes in flight in all, for a process without its own setting (the backup peer). */
export const DEFAULT_WEBRTC_PENDING = 64

/** The parts of @libp2p/webrtc's WebRTCDirectListener these caps use (not exported by it). */
interface WebRTCDirectListenerInternals {
  connections: Map<string, unknown>
  incomingConnection: (ufrag: string, remoteHost: string, remotePort: number, signal: AbortSignal) => Promise<void>
}

function capHandshakes (listener: WebRTCDirectListenerInternals, init: WebRTCDirectCapsInit, refused: (msg: string, fields?: Record<string, unknown>) => void): void {
  const incomingConnection = listener.incomingConnection
  if (typeof incomingConnection !== 'function' || !(listener.connections instanceof Map)) {
    // A new @libp2p/webrtc that moved these: better loud at start than silently uncapped.
    throw new Error('@libp2p/webrtc changed: its WebRTC-direct listener has no incomingConnection to cap')
  }
  /** Handshakes in flight, by the listener's own key (address, port, ufrag). */
  const pending = new Set<string>()
  const pendingByIp = new PerIpCount()

  listener.incomingConnection = async function (this: WebRTCDirectListenerInternals, ufrag, remoteHost, remotePort, signal): Promise<void> {
    const key = `${remoteHost}:${remotePort}:${ufrag}`
    // A retransmitted request of a handshake under way builds nothing new.
    if (pending.has(key) || this.connections.has(key)) return
    const ip = ipKey(remoteHost)
    const fromIp = pendingByIp.of(ip)
    if (fromIp >= init.maxPendingPerIp) {
      refused('WebRTC-direct handshake refused: too many at once from one IP address', { ip, pending: fromIp, cap: init.maxPendingPerIp })
      return
    }
    if (pending.size >= init.maxPendingConnections) {
      refused('WebRTC-direct handshake refused: too many connections still in their handshake', { pending: pending.size, cap: init.maxPendingConnections })
      return
    }
    pending.add(key)
    const release = pendingByIp.add(ip)
    try {
      await incomingConnection.call(this, ufrag, remoteHost, remotePort, signal)
    } finally {
      pending.delete(key)
      release()
    }
  }
}

/** `factory`'s WebRTC-direct transport, its listeners capping handshakes in flight (see `WebRTCDirectCapsInit`). */
export function withWebRTCDirectCaps<C> (factory: (components: C) => Transport, init: WebRTCDirectCapsInit): (components: C) => Transport {
  return (components) => {
    const transport = factory(components)
    const createListener = transport.createListener.bind(transport)
    const refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
    transport.createListener = (options) => {
      const listener = createListener(options)
      capHandshakes(listener as unknown as WebRTCDirectListenerInternals, init, refused)
      return listener
    }
    return transport
  }
}
