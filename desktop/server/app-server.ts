import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Log } from '../../core/log.ts'
import type { EventMessage } from '../../core/rpc/messages.ts'
import { isDownloadPath } from '../../core/rpc/service-worker-urls.ts'
import { CHALLENGE_PARAM, LAUNCH_PARAM, SESSION_PATH, SOCKET_PATH, WINDOW_KEY_HEADER, WINDOW_KEY_PARAM } from '../../core/rpc/socket-messages.ts'
import { newDaemonKeyPair, parseChallenge, proveChallenge } from '../../core/rpc/socket-proof.ts'
import { SECURITY_HEADERS } from '../../core/security-headers.ts'
import { answerDownload } from './download-route.ts'
import { LaunchSecret } from './launch-secret.ts'
import { RETIRING_SERVICE_WORKER, SERVICE_WORKER_PATH } from './retire-service-worker.ts'
import type { ServedNode } from '../../core/node/vault-node.ts'
import { SocketSession } from './socket-session.ts'
import { plain, serveStatic } from './static-files.ts'

export type { ServedNode } from '../../core/node/vault-node.ts'

export interface AppServerInit {
  /** The built PWA (dist/). */
  distDir: string
  /** 127.0.0.1: the server is for this machine's app window only. */
  host: string
  /** 0 picks a free port. */
  port: number
  /** The node; calls made before it resolves wait for it. */
  node: Promise<ServedNode>
  /** Node events (core/rpc/api.ts NodeEvents), sent to every connected page. */
  subscribe: (listener: (message: EventMessage) => void) => () => void
  log: Log
}

export interface AppServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string
  /** Lowercase hex of this launch's public key, which the page's index.html carries (core/rpc/socket-proof.ts). */
  daemonKey: string
  /** A one-time URL (valid ~2 minutes) that hands the window this launch's secret. */
  launchUrl: () => string
  close: () => Promise<void>
}

/** Largest frame a page may send: a 1 MiB chunk and its envelope. */
const MAX_FRAME_BYTES = 2 * 1024 * 1024

/** A header's one value (a repeated header counts as none). */
function headerValue (value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/**
 * The desktop daemon's loopback server (DESIGN §10): the built PWA over HTTP,
 * and the page's typed RPC over a WebSocket at SOCKET_PATH
 * (core/rpc/socket-messages.ts). Only the window opened through `launchUrl()`
 * holds the per-launch secret cookie and window key; the socket also asks for the daemon's
 * exact Origin, and every request for its exact Host (DNS rebinding).
 * Every socket it accepts first hears this launch's signature over the
 * challenge in the socket's URL, so the window can tell this daemon from
 * whatever else may hold the port later (core/rpc/socket-proof.ts).
 */
export async function startAppServer (init: AppServerInit): Promise<AppServer> {
  const { log } = init
  const secret = new LaunchSecret()
  const daemonKey = newDaemonKeyPair()
  const sessions = new Set<SocketSession>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  let origin = ''
  let hostHeader = ''

  const unsubscribe = init.subscribe((message) => { for (const session of sessions) session.send(message) })

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.host !== hostHeader) { log.warn(`refused a request for host ${String(req.headers.host)}`); plain(res, 403, 'Forbidden'); return }
    if (req.method !== 'GET' && req.method !== 'HEAD') { plain(res, 405, 'Method not allowed'); return }
    let url: URL
    try {
      url = new URL(req.url ?? '/', origin)
    } catch {
      // A target no URL parser takes ("//["): the sender's mistake, not the server's failure.
      plain(res, 400, 'Bad request')
      return
    }
    const token = url.searchParams.get(LAUNCH_PARAM)
    if (url.pathname === '/' && token !== null) {
      if (!secret.redeem(token)) { log.warn('refused a used, expired or unknown launch token'); plain(res, 403, 'This launch link was already used or has expired. Open Cairn from its tray icon or run cairn-desktop.'); return }
      res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': secret.cookie(), Location: secret.landing(), 'Cache-Control': 'no-store' })
      res.end()
      return
    }
    if (url.pathname === SESSION_PATH) {
      const held = secret.admits(req.headers.cookie, headerValue(req.headers[WINDOW_KEY_HEADER]))
      res.writeHead(held ? 204 : 403, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' })
      res.end()
      return
    }
    if (isDownloadPath(url.pathname)) {
      if (!secret.holds(req.headers.cookie)) { log.warn('refused a download without the launch cookie'); plain(res, 403, 'Open Cairn from its tray icon or run cairn-desktop.'); return }
      await answerDownload(url, init.node, res, log, req.headers)
      return
    }
    if (url.pathname === SERVICE_WORKER_PATH) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' })
      res.end(req.method === 'HEAD' ? undefined : RETIRING_SERVICE_WORKER)
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      plain(res, 400, 'Bad request')
      return
    }
    await serveStatic(init.distDir, pathname, res, req.method === 'HEAD', daemonKey.publicKeyHex)
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL | undefined
    try {
      url = new URL(req.url ?? '/', 'http://x')
    } catch {
      // A target no URL parser takes (a local process, never a browser): refused, the daemon goes on.
      url = undefined
    }
    const challenge = parseChallenge(url?.searchParams.get(CHALLENGE_PARAM) ?? null)
    const why = url?.pathname !== SOCKET_PATH
      ? 'the wrong path'
      : req.headers.host !== hostHeader
        ? `host ${String(req.headers.host)}`
        : req.headers.origin !== origin
          ? `origin ${String(req.headers.origin)}`
          : !secret.holds(req.headers.cookie)
              ? 'no launch cookie'
              : !secret.admits(req.headers.cookie, url?.searchParams.get(WINDOW_KEY_PARAM)) ? 'no window key' : undefined
    // Only a socket that passed the checks above gets a signature.
    if (why !== undefined || challenge === undefined) {
      log.warn(`refused a WebSocket: ${why ?? 'no challenge'}`)
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      // The proof goes first, before anything the node says (SocketSession's vault.status).
      const session = new SocketSession(ws, init.node, log, proveChallenge(daemonKey.secretKey, challenge))
      sessions.add(session)
      ws.on('close', () => { sessions.delete(session) })
    })
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log.error(`the app server failed a request: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) plain(res, 500, 'Internal error')
      else res.destroy()
    })
  })
  server.on('upgrade', onUpgrade)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, init.host, () => { server.off('error', reject); resolve() })
  })
  const { port } = server.address() as AddressInfo
  hostHeader = `${init.host}:${port}`
  origin = `http://${hostHeader}`

  return {
    origin,
    daemonKey: daemonKey.publicKeyHex,
    launchUrl: () => `${origin}/?${LAUNCH_PARAM}=${secret.issueToken()}`,
    close: async () => {
      unsubscribe()
      for (const client of wss.clients) client.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => { server.close(() => { resolve() }) })
      // A browser keeps idle connections (and preconnects spare ones): drop them, or close() waits.
      server.closeAllConnections()
      await closed
    }
  }
}
