import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket as WsSocket } from 'ws'
import type { Log } from '../../../core/log.ts'
import type { HandlerMap } from '../../../core/rpc/handlers.ts'
import type { EventMessage } from '../../../core/rpc/messages.ts'
import { CHALLENGE_PARAM, SESSION_PATH, SOCKET_PATH, WINDOW_KEY_HEADER, WINDOW_KEY_PARAM } from '../../../core/rpc/socket-messages.ts'
import { newChallenge } from '../../../core/rpc/socket-proof.ts'
import type { VaultService } from '../../../core/vault/vault-service.ts'
import { startAppServer, type AppServer, type ServedNode } from '../../../desktop/server/app-server.ts'
import { socketCarrier, type SessionState, type SocketCarrierInit, type SocketLike } from '../../../web/connection/socket-carrier.ts'

export interface TestAppServer {
  server: AppServer
  /** Sends an event to every connected page, as the node's `emit` would. */
  emit: (message: EventMessage) => void
  /** What the server logged (its refusals). */
  logged: string[]
  close: () => Promise<void>
}

/** A stand-in vault: the server asks it only for the status it tells a page that connects. */
const idleVault = { status: () => ({ state: 'locked' }) } as unknown as VaultService

/** An app server on 127.0.0.1:0 over a tiny dist/ and a node answering with `handlers` (only those a test needs). */
export async function startTestServer (handlers: Partial<HandlerMap>, vault: VaultService = idleVault): Promise<TestAppServer> {
  const distDir = await mkdtemp(join(tmpdir(), 'cairn-dist-'))
  await writeFile(join(distDir, 'index.html'), '<!doctype html><html><head><title>Cairn</title></head><body><div id="app"></div></body></html>')
  const listeners = new Set<(message: EventMessage) => void>()
  const logged: string[] = []
  const log: Log = { debug: () => {}, info: () => {}, warn: (line) => { logged.push(line) }, error: (line) => { logged.push(line) } }
  const node: Promise<ServedNode> = Promise.resolve({ handlers: handlers as HandlerMap, vault })
  const server = await startAppServer({
    distDir,
    host: '127.0.0.1',
    port: 0,
    node,
    subscribe: (listener) => { listeners.add(listener); return () => { listeners.delete(listener) } },
    log
  })
  return {
    server,
    emit: (message) => { for (const listener of listeners) listener(message) },
    logged,
    close: async () => { await server.close(); await rm(distDir, { recursive: true, force: true }) }
  }
}

/** The window key each launch cookie came with: a launched window holds both (its page keeps the key). */
const windowKeys = new Map<string, string>()

/** Opens the launch URL as the app window would; returns the `name=value` of the cookie it is handed (its window key is remembered for it). */
export async function launchCookie (server: AppServer): Promise<string> {
  const response = await fetch(server.launchUrl(), { redirect: 'manual' })
  const setCookie = response.headers.getSetCookie()[0]
  const key = /#window-key=([^&]+)$/.exec(response.headers.get('location') ?? '')?.[1]
  if (response.status !== 303 || setCookie === undefined || key === undefined) throw new Error(`the launch URL answered ${response.status} without a cookie and a window key`)
  const cookie = setCookie.split(';')[0] as string
  windowKeys.set(cookie, key)
  return cookie
}

/** The window key that came with `cookie` from a launch ('' for any other cookie). */
export function windowKeyOf (cookie: string | undefined): string {
  return windowKeys.get(cookie ?? '') ?? ''
}

/**
 * What a page's socket sends. `key` is the window key in the socket URL; left
 * out, the one that came with `cookie` (as a launched window sends), '' for none.
 */
export interface SocketHeaders { origin?: string, cookie?: string, host?: string, key?: string }

/** The HTTP status the server answers a WebSocket upgrade with (101 when it accepts); a fresh challenge as the page sends unless given (null: none). */
export async function upgradeStatus (server: AppServer, headers: SocketHeaders, challenge: string | null = newChallenge()): Promise<number> {
  const socket = new WsSocket(socketUrl(server, challenge, headers), { headers: wsHeaders(headers) })
  return await new Promise<number>((resolve) => {
    socket.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); socket.terminate() })
    socket.on('open', () => { resolve(101); socket.close() })
    socket.on('error', () => { resolve(0) })
  })
}

/** A page's socket with the headers a browser would send (or a test's wrong ones), asking the daemon to sign `challenge`. */
export function pageSocket (server: AppServer, headers: SocketHeaders, challenge: string = newChallenge()): SocketLike {
  return new WsSocket(socketUrl(server, challenge, headers), { headers: wsHeaders(headers) })
}

/** The page's carrier (web/connection/socket-carrier.ts) as the daemon's window would run it, with `cookie` and the key from the daemon's page. */
export function pageCarrier (server: AppServer, cookie: string | undefined, extra: Partial<SocketCarrierInit> = {}): ReturnType<typeof socketCarrier> {
  return socketCarrier({
    open: (challenge) => pageSocket(server, { origin: server.origin, ...(cookie !== undefined ? { cookie } : {}) }, challenge),
    daemonKey: server.daemonKey,
    session: async () => await sessionOf(server, cookie),
    ...extra
  })
}

async function sessionOf (server: AppServer, cookie: string | undefined): Promise<SessionState> {
  try {
    const response = await fetch(`${server.origin}${SESSION_PATH}`, { headers: cookie !== undefined ? { cookie, [WINDOW_KEY_HEADER]: windowKeyOf(cookie) } : {} })
    return response.status === 403 ? 'refused' : response.ok ? 'ok' : 'down'
  } catch {
    return 'down'
  }
}

function socketUrl (server: AppServer, challenge: string | null, headers: SocketHeaders): string {
  const params = new URLSearchParams()
  if (challenge !== null) params.set(CHALLENGE_PARAM, challenge)
  params.set(WINDOW_KEY_PARAM, headers.key ?? windowKeyOf(headers.cookie))
  return `${server.origin.replace(/^http/, 'ws')}${SOCKET_PATH}?${params.toString()}`
}

function wsHeaders ({ origin, cookie, host }: SocketHeaders): Record<string, string> {
  return { ...(origin !== undefined ? { Origin: origin } : {}), ...(cookie !== undefined ? { Cookie: cookie } : {}), ...(host !== undefined ? { Host: host } : {}) }
}
