import { RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import { throttled, type Logger } from '../shared/log.ts'
import { REFUSAL_LOG_WINDOW_MS } from './constants.ts'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

export interface CircuitCapsInit {
  /** Most relayed connections open at once. */
  maxRelayedConnections: number
  /** Bytes, both directions together, one relayed connection may carry; 0: no cap. */
  relayMaxBytes: number
  /** Milliseconds one relayed connection may stay open; 0: no cap. */
  relayMaxDuration: number
  log: Logger
}

/** Thrown into both halves of a circuit when a cap ends it. */
export class CircuitCapError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'CircuitCapError'
  }
}

/**
 * Our own limits on relayed connections (circuits). The relay runs with
 * `applyDefaultLimit: false`: a reservation that carries a libp2p `Limit`
 * makes every connection through it "limited", and protocols such as bitswap
 * refuse to run on those. So the relay tells clients "unlimited" and enforces
 * the caps here, invisibly to them: a circuit that outgrows its byte or time
 * budget is reset, and the client simply dials again.
 *
 * How: every circuit is a STOP stream the relay opens to the destination and
 * then joins to the source's HOP stream. `wrapConnectionManager` hands the
 * relay service connections whose `newStream` returns STOP streams we count:
 * bytes arriving (destination → source) through 'message' events, bytes
 * leaving (source → destination) through `send`. Aborting the STOP stream
 * aborts the joined HOP stream too (the relay's pipe fails both).
 */
export class CircuitCaps {
  private readonly init: CircuitCapsInit
  private readonly active = new Set<Stream>()
  private readonly refused: (msg: string, fields?: Record<string, unknown>) => void

  constructor (init: CircuitCapsInit) {
    this.init = init
    this.refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
  }

  /** Relayed connections open now. */
  get size (): number {
    return this.active.size
  }

  /** ConnectionGater.denyOutboundRelayedConnection: true refuses a new circuit (the client gets PERMISSION_DENIED). */
  denyOutboundRelayedConnection (source: PeerId, destination: PeerId): boolean {
    if (this.active.size < this.init.maxRelayedConnections) return false
    this.refused('circuit refused: too many relayed connections', { source: source.toString(), destination: destination.toString(), open: this.active.size, cap: this.init.maxRelayedConnections })
    return true
  }

  /** The relay service's view of the connection manager, with counted STOP streams. */
  wrapConnectionManager (manager: ConnectionManager): ConnectionManager {
    return new Proxy(manager, {
      get: (target, prop) => {
        if (prop === 'getConnections') {
          return (peer?: PeerId) => target.getConnections(peer).map(connection => this.wrapConnection(connection))
        }
        const value: unknown = Reflect.get(target, prop, target)
        // Methods run against the real manager (it keeps private state).
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }

  private wrapConnection (connection: Connection): Connection {
    return new Proxy(connection, {
      get: (target, prop) => {
        if (prop === 'newStream') {
          return async (protocols: string | string[], options?: Parameters<Connection['newStream']>[1]) => {
            const stream = await target.newStream(protocols, options)
            const list = Array.isArray(protocols) ? protocols : [protocols]
            if (list.includes(RELAY_V2_STOP_CODEC)) this.track(stream, target)
            return stream
          }
        }
        const value: unknown = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }

  private track (stream: Stream, destination: Connection): void {
    const { relayMaxBytes, relayMaxDuration, maxRelayedConnections, log } = this.init
    const opened = Date.now()
    let bytes = 0
    let ended = false
    const end = (reason: string): void => {
      if (ended) return
      ended = true
      log.info('circuit closed by cap', { reason, destination: destination.remotePeer.toString(), bytes, ms: Date.now() - opened })
      stream.abort(new CircuitCapError(reason))
    }
    // The gater checks first; this catches requests that raced past it.
    if (this.active.size >= maxRelayedConnections) {
      end('too many relayed connections')
      return
    }
    const count = (n: number): boolean => {
      bytes += n
      if (relayMaxBytes > 0 && bytes > relayMaxBytes) {
        end(`relayed byte cap of ${relayMaxBytes} reached`)
        return false
      }
      return true
    }
    stream.addEventListener('message', (evt) => { count(evt.data.byteLength) })
    const send = stream.send.bind(stream)
    stream.send = (data) => count(data.byteLength) ? send(data) : false
    const timer = relayMaxDuration > 0 ? setTimeout(() => { end(`relayed duration cap of ${relayMaxDuration} ms reached`) }, relayMaxDuration) : undefined
    timer?.unref()
    this.active.add(stream)
    log.debug('circuit opened', { destination: destination.remotePeer.toString(), open: this.active.size })
    stream.addEventListener('close', () => {
      clearTimeout(timer)
      this.active.delete(stream)
      log.debug('circuit closed', { destination: destination.remotePeer.toString(), bytes, ms: Date.now() - opened, open: this.active.size })
    }, { once: true })
  }
}
