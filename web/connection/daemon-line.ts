import { CHALLENGE_PARAM, DAEMON_KEY_META_NAME, SESSION_PATH, SOCKET_PATH, WINDOW_KEY_FRAGMENT, WINDOW_KEY_HEADER, WINDOW_KEY_PARAM } from '../../core/rpc/socket-messages.ts'
import type { SessionState, SocketLike } from './socket-carrier.ts'

/** Where this origin keeps the launch's window key (per port, unlike a cookie). */
const WINDOW_KEY_STORAGE = 'cairn-desktop-window-key'

/**
 * Keeps the window key the launch redirect put in the fragment
 * (core/rpc/socket-messages.ts WINDOW_KEY_PARAM) and clears the fragment
 * before the app reads its route from it. Runs once, first thing.
 */
export function takeWindowKey (loc: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location, storage: Pick<Storage, 'setItem'> = localStorage, history: Pick<History, 'replaceState'> = window.history): void {
  const prefix = `#${WINDOW_KEY_FRAGMENT}=`
  if (!loc.hash.startsWith(prefix)) return
  storage.setItem(WINDOW_KEY_STORAGE, loc.hash.slice(prefix.length))
  history.replaceState(null, '', loc.pathname + loc.search)
}

/** This origin's window key, or '' before any launch (the daemon then refuses the window). */
function windowKey (): string {
  return localStorage.getItem(WINDOW_KEY_STORAGE) ?? ''
}

/** A loopback WebSocket to this page's origin, asking whoever answers to sign `challenge` (core/rpc/socket-proof.ts). */
export function openDaemonSocket (challenge: string): SocketLike {
  const key = encodeURIComponent(windowKey())
  return new WebSocket(`${window.location.origin.replace(/^http/, 'ws')}${SOCKET_PATH}?${CHALLENGE_PARAM}=${challenge}&${WINDOW_KEY_PARAM}=${key}`)
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

/** Asks the daemon whether this window's cookie and window key hold its launch secret. */
export async function daemonSession (): Promise<SessionState> {
  try {
    const response = await fetch(SESSION_PATH, { cache: 'no-store', credentials: 'same-origin', headers: { [WINDOW_KEY_HEADER]: windowKey() }, signal: AbortSignal.timeout(SESSION_WAIT_MS) })
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
