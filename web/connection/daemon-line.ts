import { SESSION_PATH, SOCKET_PATH } from '../../core/rpc/socket-messages.ts'
import type { SessionState, SocketLike } from './socket-carrier.ts'

/** The loopback WebSocket to the daemon that served this page. */
export function openDaemonSocket (): SocketLike {
  return new WebSocket(`${window.location.origin.replace(/^http/, 'ws')}${SOCKET_PATH}`)
}

/** Asks the daemon whether this window's cookie holds its launch secret. */
export async function daemonSession (): Promise<SessionState> {
  try {
    const response = await fetch(SESSION_PATH, { cache: 'no-store', credentials: 'same-origin' })
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
