import { CHALLENGE_PARAM, DAEMON_KEY_META_NAME, SESSION_PATH, SOCKET_PATH } from '../../core/rpc/socket-messages.ts'
import type { SessionState, SocketLike } from './socket-carrier.ts'

/** A loopback WebSocket to this page's origin, asking whoever answers to sign `challenge` (core/rpc/socket-proof.ts). */
export function openDaemonSocket (challenge: string): SocketLike {
  return new WebSocket(`${window.location.origin.replace(/^http/, 'ws')}${SOCKET_PATH}?${CHALLENGE_PARAM}=${challenge}`)
}

/**
 * The public key of the daemon that served this page, from its index.html:
 * read once, at start, so a page loaded from this daemon trusts only sockets
 * that prove they reach it.
 */
export function daemonKey (doc: Pick<Document, 'querySelector'> = document): string | undefined {
  return doc.querySelector(`meta[name="${DAEMON_KEY_META_NAME}"]`)?.getAttribute('content') ?? undefined
}

/** How long the daemon gets to answer /rpc/session; what holds the port and never answers counts as down. */
const SESSION_WAIT_MS = 10_000

/** Asks the daemon whether this window's cookie holds its launch secret. */
export async function daemonSession (): Promise<SessionState> {
  try {
    const response = await fetch(SESSION_PATH, { cache: 'no-store', credentials: 'same-origin', signal: AbortSignal.timeout(SESSION_WAIT_MS) })
    if (response.status === 403) return 'refused'
    return response.ok ? 'ok' : 'down'
  } catch {
    return 'down'
  }
}

/**
 * In the desktop app the daemon serves downloads itself and the page has no
 * offline shell to keep: a service worker left at this origin from earlier
 * would answer `/download/…` in its place, so it goes.
 */
export function unregisterServiceWorkers (): void {
  if (!('serviceWorker' in navigator)) return
  void navigator.serviceWorker.getRegistrations().then(async (registrations) => {
    await Promise.all(registrations.map(async (registration) => await registration.unregister()))
  }, () => {})
}
