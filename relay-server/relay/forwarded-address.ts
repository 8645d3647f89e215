import { BlockList, isIP, isIPv4, isIPv6, type Socket } from 'node:net'
import { webSockets } from '@libp2p/websockets'
import { throttled, type Logger } from '../shared/log.ts'
import { REFUSAL_LOG_WINDOW_MS } from './constants.ts'
import type { IncomingMessage } from 'node:http'

/**
 * Behind a TLS proxy every connection comes from the proxy's address, and
 * per-IP caps would lump all clients together. For sockets from a configured
 * proxy (`--trusted-proxy`) only, the client's address is taken from a PROXY
 * protocol v1 line (haproxy's spec, proxy-protocol.txt §2.1) or, on a
 * WebSocket upgrade, from the last X-Forwarded-For entry (the hop the proxy
 * itself added), and the socket reports it as its remote address: libp2p
 * builds the connection's remote multiaddr from it, so every cap sees the
 * client. From any other source both are ignored, so a client cannot name
 * its own address.
 */

/** The longest PROXY v1 line, CRLF included (spec §2.1). */
const PROXY_V1_MAX = 107
const PROXY_V1_SIGNATURE = Buffer.from('PROXY ', 'latin1')

/** What a PROXY v1 line says: the client's address, or `unknown` (the proxy's own address stands). */
export type ProxyV1Header = { address: string, port: number } | 'unknown'

/** Parses one PROXY v1 line (without its CRLF); undefined when malformed. */
export function parseProxyV1 (line: string): ProxyV1Header | undefined {
  const parts = line.split(' ')
  if (parts[0] !== 'PROXY') return undefined
  if (parts[1] === 'UNKNOWN') return 'unknown'
  if (parts.length !== 6) return undefined
  const [, family, source, , sourcePort] = parts as [string, string, string, string, string, string]
  const valid = family === 'TCP4' ? isIPv4(source) : family === 'TCP6' ? isIPv6(source) : false
  const port = /^\d{1,5}$/.test(sourcePort) ? Number(sourcePort) : NaN
  if (!valid || !(port >= 0 && port <= 65_535)) return undefined
  return { address: source, port }
}

/** The client address from an X-Forwarded-For header: its last entry (what the proxy saw); undefined when absent or not an IP. */
export function lastForwardedFor (header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header
  if (text === undefined) return undefined
  let last = text.split(',').at(-1)?.trim() ?? ''
  // Some proxies add a port: [2001:db8::1]:443 or 192.0.2.1:443.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last)
  if (bracketed !== null) last = bracketed[1]!
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(last)
  if (v4WithPort !== null) last = v4WithPort[1]!
  return isIP(last) === 0 ? undefined : last
}

/**
 * The trusted proxies' addresses. A BlockList compares addresses, not their
 * spelling: 0:0:0:0:0:0:0:1 is ::1, 2001:DB8::1 is 2001:db8::1, and an
 * IPv4-mapped ::ffff:192.0.2.1 (a dual-stack listener's view of IPv4) is 192.0.2.1.
 */
export function trustedSet (addresses: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList()
  for (const address of addresses) list.addAddress(address, isIPv6(address) ? 'ipv6' : 'ipv4')
  return (address) => address !== undefined && isIP(address) !== 0 && list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4')
}

/** Makes the socket report the client's address (libp2p reads `remoteAddress`/`remotePort`). */
function setRemote (socket: Socket, address: string, port?: number): void {
  Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true })
  Object.defineProperty(socket, 'remoteFamily', { value: isIPv6(address) ? 'IPv6' : 'IPv4', configurable: true })
  if (port !== undefined) Object.defineProperty(socket, 'remotePort', { value: port, configurable: true })
}

/** Whether `buffered` holds enough to tell a PROXY line (complete or too long) from anything else. */
function decided (buffered: Buffer): boolean {
  const n = Math.min(buffered.length, PROXY_V1_SIGNATURE.length)
  if (n === 0) return false
  if (!buffered.subarray(0, n).equals(PROXY_V1_SIGNATURE.subarray(0, n))) return true
  return buffered.includes('\r\n') || buffered.length >= PROXY_V1_MAX
}

/**
 * Reads a paused socket until `decided`; resolves undefined when it closes
 * (or fails, e.g. a reset) first. Until it returns, an 'error' has a listener
 * here: with none, Node throws it and the relay process ends. (The
 * listener's own handler is attached when the socket is handed on.)
 */
export async function readHead (socket: Socket): Promise<Buffer | undefined> {
  // 'close' follows every 'error', and ends the wait below.
  const ignore = (): void => {}
  socket.on('error', ignore)
  try {
    return await readUntilDecided(socket)
  } finally {
    socket.off('error', ignore)
  }
}

async function readUntilDecided (socket: Socket): Promise<Buffer | undefined> {
  let buffered = Buffer.alloc(0)
  for (;;) {
    const chunk = socket.read() as Buffer | null
    if (chunk !== null) buffered = Buffer.concat([buffered, chunk])
    if (decided(buffered)) return buffered
    if (chunk === null) {
      // Already closed: no 'close' event is coming to end the wait.
      if (socket.destroyed) return undefined
      const more = await new Promise<boolean>((resolve) => {
        const done = (value: boolean) => (): void => { socket.off('readable', onReadable); socket.off('close', onClose); resolve(value) }
        const onReadable = done(true)
        const onClose = done(false)
        socket.once('readable', onReadable)
        socket.once('close', onClose)
      })
      if (!more) return undefined
    }
  }
}

/** The private methods of @libp2p/websockets' WebSocketListener (10.x) that see each raw socket and each upgrade. */
export interface ListenerInternals {
  onSocketConnection: (socket: Socket) => Promise<void>
  onUpgrade: (req: IncomingMessage, socket: Socket, head: Buffer) => void
}

function trustProxies (listener: ListenerInternals, trusted: (address: string | undefined) => boolean, log: Logger): void {
  const onSocketConnection = listener.onSocketConnection
  const onUpgrade = listener.onUpgrade
  if (typeof onSocketConnection !== 'function' || typeof onUpgrade !== 'function') {
    throw new Error('--trusted-proxy: this version of @libp2p/websockets has no hook for the client address')
  }
  const warn = throttled(log.warn, REFUSAL_LOG_WINDOW_MS)
  /** Sockets whose address came from a PROXY line: a later header cannot change it. */
  const proxied = new WeakSet<Socket>()

  listener.onSocketConnection = async function (this: ListenerInternals, socket: Socket): Promise<void> {
    if (trusted(socket.remoteAddress)) {
      const head = await readHead(socket)
      if (head === undefined) { socket.destroy(); return }
      let rest = head
      if (head.subarray(0, PROXY_V1_SIGNATURE.length).equals(PROXY_V1_SIGNATURE)) {
        const end = head.indexOf('\r\n')
        const header = end === -1 ? undefined : parseProxyV1(head.subarray(0, end).toString('latin1'))
        if (header === undefined) {
          warn('connection refused: malformed PROXY protocol line from a trusted proxy', { proxy: socket.remoteAddress })
          socket.destroy()
          return
        }
        if (header !== 'unknown') setRemote(socket, header.address, header.port)
        proxied.add(socket)
        rest = head.subarray(end + 2)
      }
      if (rest.length > 0) socket.unshift(rest)
    }
    await onSocketConnection.call(this, socket)
  }

  listener.onUpgrade = function (this: ListenerInternals, req: IncomingMessage, socket: Socket, head: Buffer): void {
    const header = req.headers['x-forwarded-for']
    if (!proxied.has(socket) && header !== undefined && trusted(socket.remoteAddress)) {
      const client = lastForwardedFor(header)
      if (client === undefined) warn('X-Forwarded-For from a trusted proxy names no IP address; the proxy\'s own address counts', { proxy: socket.remoteAddress })
      else setRemote(socket, client)
    }
    onUpgrade.call(this, req, socket, head)
  }
}

export interface WebSocketsInit {
  /** IP addresses whose PROXY lines and X-Forwarded-For headers are believed. */
  trustedProxies: readonly string[]
  log: Logger
}

/** The WebSocket transport, with client addresses from trusted proxies (plain `webSockets()` when there are none). */
export function webSocketsBehindProxies (init: WebSocketsInit): ReturnType<typeof webSockets> {
  const factory = webSockets()
  if (init.trustedProxies.length === 0) return factory
  const trusted = trustedSet(init.trustedProxies)
  return (components) => {
    const transport = factory(components)
    const createListener = transport.createListener.bind(transport)
    transport.createListener = (options) => {
      const listener = createListener(options)
      // The hooks are the listener's own methods, looked up when it starts listening.
      trustProxies(listener as unknown as ListenerInternals, trusted, init.log)
      return listener
    }
    return transport
  }
}
