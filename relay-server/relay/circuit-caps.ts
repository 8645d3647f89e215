import { AsyncLocalStorage } from 'node:async_hooks'
import { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC } from '@libp2p/circuit-relay-v2'
import { throttled, type Logger } from '../shared/log.ts'
import { REFUSAL_LOG_WINDOW_MS } from './constants.ts'
import { ipKeyOf } from './ip.ts'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'

export interface CircuitCapsInit {
  /** Most relayed connections open at once. */
  maxRelayedConnections: number
  /** Most relayed connections one peer has asked for (as the source) open at once. */
  maxRelayedConnectionsPerPeer: number
  /** Most relayed connections asked for from one IP address (IPv6: one /64) open at once. */
  maxRelayedConnectionsPerIp: number
  /** Bytes, both directions together, one relayed connection may carry; 0: no cap. */
  relayMaxBytes: number
  /** Milliseconds one relayed connection may stay open; 0: no cap. */
  relayMaxDuration: number
  log: Logger
}

/** Who asked for a circuit: the source peer and the IP keys (`ipKey`) it is connected from. */
interface CircuitSource {
  peer: string
  ips: string[]
}

/**
 * The most a paused half of a circuit may hold: yamux's largest stream window
 * (its default `maxStreamWindowSize`, which `cairnYamux` keeps), plus a frame.
 * Once paused, a stream grants no more window, so its far end can send at
 * most the window it already has; libp2p's default 4 MiB limit would reset
 * a fast circuit whose window had grown past it.
 */
const PAUSED_READ_BUFFER_BYTES = 16 * 2 ** 20 + 64 * 1024

/**
 * Back-pressure from `to` onto `from`, the two halves of one circuit.
 * libp2p's circuit relay joins them with `pipe`, which takes every message
 * `from` receives into an unbounded queue and keeps granting its sender
 * window while `to` waits for 'drain': a destination that reads nothing (or a
 * slow one) made the relay hold everything the source sent, in memory. So
 * while `to` cannot take more, `from` is paused, its muxer stops granting
 * window, and the bytes wait at the sender. Only a yamux stream is paused:
 * a WebRTC data channel grants no window (@libp2p/webrtc's pause buffers
 * without telling the sender), so pausing one would only move the queue into
 * its read buffer and reset the circuit when that fills.
 */
function pauseWhileFull (from: Stream, to: Stream): void {
  from.maxReadBufferLength = Math.max(from.maxReadBufferLength, PAUSED_READ_BUFFER_BYTES)
  const send = to.send.bind(to)
  let held = false
  to.send = (data) => {
    const more = send(data)
    if (!more && !held && from.readStatus === 'readable') {
      held = true
      from.pause()
      to.addEventListener('drain', () => {
        held = false
        if (from.readStatus === 'paused') from.resume()
      }, { once: true })
    }
    return more
  }
}

/** Whether `connection`'s streams hold their sender back when paused (yamux grants window; WebRTC data channels do not). */
function windowed (connection: Connection): boolean {
  return connection.multiplexer?.startsWith('/yamux/') === true
}

/** Thrown into both halves of a circuit when a cap ends it. */
export class CircuitCapError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'CircuitCapError'
  }
}

/**
 * Our own limits on relayed connections (circuits): in total, per source
 * peer and per source IP (IPv6: per /64), checked by the gater before the
 * relay opens a circuit. The relay runs with
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
  /** Open circuits, each with the peer that asked for it. */
  private readonly active = new Map<Stream, CircuitSource>()
  /**
   * Circuits the gater allowed whose STOP stream is not open yet, per
   * destination, oldest first. The relay service opens the STOP stream right
   * after asking the gater (no I/O in between), so the next STOP stream to a
   * destination belongs to the oldest allowed request for it.
   */
  private readonly pending = new Map<string, CircuitSource[]>()
  private manager?: ConnectionManager
  /** The HOP stream whose CONNECT request the relay is handling (it opens the STOP stream within that call), and its connection. */
  private readonly hopStream = new AsyncLocalStorage<{ stream: Stream, connection: Connection }>()
  private readonly refused: (msg: string, fields?: Record<string, unknown>) => void

  constructor (init: CircuitCapsInit) {
    this.init = init
    this.refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
  }

  /** Relayed connections open now. */
  get size (): number {
    return this.active.size
  }

  /** Circuits (open or being opened) whose source matches. */
  private count (matches: (source: CircuitSource) => boolean): number {
    let n = 0
    for (const source of this.active.values()) if (matches(source)) n++
    for (const queue of this.pending.values()) for (const source of queue) if (matches(source)) n++
    return n
  }

  /** The asking peer and the IP keys of its direct connections to the relay. */
  private sourceOf (peer: PeerId): CircuitSource {
    const ips = new Set<string>()
    for (const connection of this.manager?.getConnections(peer) ?? []) {
      const ip = ipKeyOf(connection.remoteAddr)
      if (ip !== undefined) ips.add(ip)
    }
    return { peer: peer.toString(), ips: [...ips] }
  }

  /** ConnectionGater.denyOutboundRelayedConnection: true refuses a new circuit (the client gets PERMISSION_DENIED). */
  denyOutboundRelayedConnection (source: PeerId, destination: PeerId): boolean {
    const { maxRelayedConnections, maxRelayedConnectionsPerPeer, maxRelayedConnectionsPerIp } = this.init
    const fields = { source: source.toString(), destination: destination.toString() }
    const total = this.count(() => true)
    if (total >= maxRelayedConnections) {
      this.refused('circuit refused: too many relayed connections', { ...fields, open: total, cap: maxRelayedConnections })
      return true
    }
    const asking = this.sourceOf(source)
    const byPeer = this.count(s => s.peer === asking.peer)
    if (byPeer >= maxRelayedConnectionsPerPeer) {
      this.refused('circuit refused: too many relayed connections from one peer', { ...fields, open: byPeer, cap: maxRelayedConnectionsPerPeer })
      return true
    }
    for (const ip of asking.ips) {
      const byIp = this.count(s => s.ips.includes(ip))
      if (byIp >= maxRelayedConnectionsPerIp) {
        this.refused('circuit refused: too many relayed connections from one IP address', { ...fields, ip, open: byIp, cap: maxRelayedConnectionsPerIp })
        return true
      }
    }
    const key = destination.toString()
    const queue = this.pending.get(key) ?? []
    queue.push(asking)
    this.pending.set(key, queue)
    // By the next macrotask the STOP stream has been asked for (or the request failed first).
    setImmediate(() => { this.unqueue(key, asking) })
    return false
  }

  private unqueue (destination: string, source?: CircuitSource): CircuitSource | undefined {
    const queue = this.pending.get(destination)
    if (queue === undefined) return undefined
    const index = source === undefined ? 0 : queue.indexOf(source)
    const [found] = index === -1 ? [] : queue.splice(index, 1)
    if (queue.length === 0) this.pending.delete(destination)
    return found
  }

  /** The relay service's view of the connection manager, with counted STOP streams. */
  wrapConnectionManager (manager: ConnectionManager): ConnectionManager {
    this.manager = manager
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

  /** The relay service's view of the registrar: its HOP handler runs with its stream known to `wrapConnection`. */
  wrapRegistrar (registrar: Registrar): Registrar {
    return new Proxy(registrar, {
      get: (target, prop) => {
        if (prop === 'handle') {
          return async (protocol: string, handler: Parameters<Registrar['handle']>[1], options?: Parameters<Registrar['handle']>[2]) => {
            const handled: typeof handler = protocol === RELAY_V2_HOP_CODEC
              ? (stream, connection) => this.hopStream.run({ stream, connection }, () => handler(stream, connection))
              : handler
            await target.handle(protocol, handled, options)
          }
        }
        const value: unknown = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }

  private wrapConnection (connection: Connection): Connection {
    return new Proxy(connection, {
      get: (target, prop) => {
        if (prop === 'newStream') {
          return async (protocols: string | string[], options?: Parameters<Connection['newStream']>[1]) => {
            const list = Array.isArray(protocols) ? protocols : [protocols]
            const isStop = list.includes(RELAY_V2_STOP_CODEC)
            // Taken before any await: this call comes straight after the gater's.
            const source = isStop ? this.unqueue(target.remotePeer.toString()) : undefined
            const hop = isStop ? this.hopStream.getStore() : undefined
            const stream = await target.newStream(protocols, options)
            if (isStop) this.track(stream, target, source ?? { peer: 'unknown', ips: [] }, hop)
            return stream
          }
        }
        const value: unknown = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }

  private track (stream: Stream, destination: Connection, source: CircuitSource, hop?: { stream: Stream, connection: Connection }): void {
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
    if (hop !== undefined) {
      if (windowed(hop.connection)) pauseWhileFull(hop.stream, stream)
      if (windowed(destination)) pauseWhileFull(stream, hop.stream)
    }
    const timer = relayMaxDuration > 0 ? setTimeout(() => { end(`relayed duration cap of ${relayMaxDuration} ms reached`) }, relayMaxDuration) : undefined
    timer?.unref()
    this.active.set(stream, source)
    log.debug('circuit opened', { source: source.peer, destination: destination.remotePeer.toString(), open: this.active.size })
    stream.addEventListener('close', () => {
      clearTimeout(timer)
      this.active.delete(stream)
      log.debug('circuit closed', { destination: destination.remotePeer.toString(), bytes, ms: Date.now() - opened, open: this.active.size })
    }, { once: true })
  }
}
