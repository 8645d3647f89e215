import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { API_SECURITY_HEADERS } from '../../core/security-headers.ts'
import type { Logger } from '../shared/log.ts'
import { PerIpCount } from '../shared/per-ip-count.ts'
import { trustedSet } from './forwarded-address.ts'
import { ipKey } from './ip.ts'
import type { AddressInfo, Socket } from 'node:net'

/** What `GET /ping` answers: enough for an app to check an address before dialling. */
export interface RelayPingBody {
  service: string
  version: string
  peerId: string
  /** Current multiaddrs, each ending in /p2p/<peerId>. */
  multiaddrs: string[]
  capabilities: string[]
  /** The caps behind "unlimited-relay" (0 means no cap; durations in ms). */
  limits: Record<string, number>
}

export interface HttpEndpointsInit {
  host: string
  port: number
  version: string
  /** Built per request, so addresses are current. */
  ping: () => RelayPingBody
  log: Logger
  /** Addresses of reverse proxies in front of the relay: their sockets carry many clients, so no per-address cap. */
  trustedProxies?: readonly string[]
}

/**
 * Open sockets from one IP key (IPv6: one /64). `maxConnections` (256) is for
 * everyone together: without this, one stranger's idle sockets filled it and
 * every app's /ping check failed until they timed out.
 */
export const HTTP_SOCKETS_PER_IP = 16

export interface HttpEndpoints {
  /** e.g. http://127.0.0.1:4102 (the real port when 0 was asked for). */
  url: string
  close: () => Promise<void>
}

// GET from any origin: the app (another origin) reads /ping before it dials.
// Plus the security headers every server of Cairn sends (docs/deploy.md).
const CORS = {
  ...API_SECURITY_HEADERS,
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, OPTIONS'
}

function send (res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...CORS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store'
  })
  res.end(head ? undefined : text)
}

/** The path of a request target, or undefined when it is no URL (e.g. `//`, which URL reads as an empty host). */
function pathOf (target: string): string | undefined {
  try {
    return new URL(target, 'http://relay').pathname
  } catch {
    return undefined
  }
}

function handle (init: HttpEndpointsInit, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET'
  const path = pathOf(req.url ?? '/')
  // A stranger's odd target is their mistake: a 400, not a 500 and an error line per request.
  if (path === undefined) { send(res, 400, { error: 'bad request', paths: ['/health', '/ping'] }, method === 'HEAD'); return }
  if (method === 'OPTIONS') {
    // A preflight; Chrome's Private Network Access also asks for this header
    // when a public https page reads a relay on a private address.
    res.writeHead(204, { ...CORS, 'access-control-allow-headers': '*', 'access-control-allow-private-network': 'true', 'access-control-max-age': '600' })
    res.end()
    return
  }
  const head = method === 'HEAD'
  if (method === 'GET' || head) {
    if (path === '/health') { send(res, 200, { status: 'ok', version: init.version }, head); return }
    if (path === '/ping') { send(res, 200, init.ping(), head); return }
  }
  send(res, 404, { error: 'not found', paths: ['/health', '/ping'] }, head)
}

/** Serves GET /health and GET /ping (JSON, CORS for any origin); everything else is a JSON 404. */
export async function startHttpEndpoints (init: HttpEndpointsInit): Promise<HttpEndpoints> {
  const server = createServer((req, res) => {
    try {
      handle(init, req, res)
    } catch (err) {
      init.log.error('http request failed', { path: req.url, err })
      if (!res.headersSent) send(res, 500, { error: 'internal error' }, false)
      else res.destroy()
    }
  })
  // Small, quick requests only: don't let idle or slow clients hold sockets.
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  server.keepAliveTimeout = 5_000
  server.maxConnections = 256
  const trusted = trustedSet(init.trustedProxies ?? [])
  const openByIp = new PerIpCount()
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress
    if (address === undefined || trusted(address)) return
    const ip = ipKey(address)
    if (openByIp.of(ip) >= HTTP_SOCKETS_PER_IP) { socket.destroy(); return }
    socket.once('close', openByIp.add(ip))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, init.host, () => { server.off('error', reject); resolve() })
  })
  server.on('error', (err) => { init.log.error('http server error', { err }) })
  const address = server.address() as AddressInfo
  // A wildcard listener is reached through loopback on this machine.
  const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address
  const host = address.family === 'IPv6' ? `[${reachable}]` : reachable
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
    }
  }
}
