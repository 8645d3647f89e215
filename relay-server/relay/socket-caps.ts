import { webSockets } from '@libp2p/websockets'
import { throttled, type Logger } from '../shared/log.ts'
import { PerIpCount } from '../shared/per-ip-count.ts'
import { REFUSAL_LOG_WINDOW_MS, UPGRADE_TIMEOUT_MS } from './constants.ts'
import { trustedSet, type ListenerInternals } from './forwarded-address.ts'
import { ipKey } from './ip.ts'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Caps on raw TCP sockets of the WebSocket listener, before their HTTP
 * upgrade. libp2p meets a connection only once the upgrade is done: its
 * gater (ConnectionCaps), its pending count and its handshake timeout never
 * see a socket that connects and then sends nothing, or dribbles its request.
 * Without these, such sockets stayed open forever, uncounted, and a stranger
 * could hold file descriptors until the relay could accept no one.
 */
export interface SocketCapsInit {
  /** Open sockets from one IP key (`ipKey`), upgraded or not; sockets from a trusted proxy are counted by the gater instead, per client. */
  maxConnectionsPerIp: number
  /** Sockets not upgraded yet, from everyone together. */
  maxPendingConnections: number
  trustedProxies: readonly string[]
  log: Logger
  /** Time to finish the upgrade (default UPGRADE_TIMEOUT_MS). */
  upgradeTimeoutMs?: number
}

function capSockets (listener: ListenerInternals, init: SocketCapsInit): void {
  const onSocketConnection = listener.onSocketConnection
  const onUpgrade = listener.onUpgrade
  const trusted = trustedSet(init.trustedProxies)
  const refused = throttled(init.log.warn, REFUSAL_LOG_WINDOW_MS)
  const timedOut = throttled(init.log.info, REFUSAL_LOG_WINDOW_MS)
  const timeoutMs = init.upgradeTimeoutMs ?? UPGRADE_TIMEOUT_MS
  const openByIp = new PerIpCount()
  /** Sockets before their upgrade, each with what ends its wait. */
  const waiting = new Map<Socket, () => void>()

  listener.onSocketConnection = async function (this: ListenerInternals, socket: Socket): Promise<void> {
    const address = socket.remoteAddress
    const ip = address === undefined || trusted(address) ? undefined : ipKey(address)
    const open = ip === undefined ? 0 : openByIp.of(ip)
    if (ip !== undefined && open >= init.maxConnectionsPerIp) {
      refused('connection refused: too many connections from one IP address', { ip, open, cap: init.maxConnectionsPerIp })
      socket.destroy()
      return
    }
    if (waiting.size >= init.maxPendingConnections) {
      refused('connection refused: too many connections still in their handshake', { pending: waiting.size, cap: init.maxPendingConnections })
      socket.destroy()
      return
    }
    if (ip !== undefined) socket.once('close', openByIp.add(ip))
    const timer = setTimeout(() => {
      timedOut('connection closed: no WebSocket upgrade in time', { ip: address, ms: timeoutMs })
      socket.destroy()
    }, timeoutMs)
    timer.unref()
    waiting.set(socket, () => { clearTimeout(timer); waiting.delete(socket) })
    socket.once('close', () => { waiting.get(socket)?.() })
    await onSocketConnection.call(this, socket)
  }

  listener.onUpgrade = function (this: ListenerInternals, req: IncomingMessage, socket: Socket, head: Buffer): void {
    // From here libp2p's upgrade timeout and gater take over.
    waiting.get(socket)?.()
    onUpgrade.call(this, req, socket, head)
  }
}

/** `factory`'s WebSocket transport, its listeners capping raw sockets (see `SocketCapsInit`). */
export function withSocketCaps (factory: ReturnType<typeof webSockets>, init: SocketCapsInit): ReturnType<typeof webSockets> {
  return (components) => {
    const transport = factory(components)
    const createListener = transport.createListener.bind(transport)
    transport.createListener = (options) => {
      const listener = createListener(options)
      // Wrapped last, so these checks run before the trusted-proxy hooks (and time their PROXY line read too).
      capSockets(listener as unknown as ListenerInternals, init)
      return listener
    }
    return transport
  }
}
