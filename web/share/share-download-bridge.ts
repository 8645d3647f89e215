import type { DownloadPortMessage, ShareTokenHere } from '../../core/rpc/download-messages.ts'
import { CHANNEL_NAME } from '../../core/rpc/node-port-messages.ts'
import { readFromServiceWorker } from '../../core/rpc/service-worker-messages.ts'
import type { TabMessage } from '../../core/rpc/tab-channel-messages.ts'
import type { ShareWorker } from './share-worker-host.ts'

/** Which file a download request names: undefined = the shared file itself, a number = a folder's file; null = not ours. */
export function requestedIndex (requested: string, token: string): number | undefined | null {
  if (requested === token) return undefined
  if (!requested.startsWith(token + '/')) return null
  const index = Number(requested.slice(token.length + 1))
  return Number.isSafeInteger(index) && index >= 0 ? index : null
}

/**
 * Connects the service worker to this page's share worker for each download
 * or preview of `token`: the same hand-over as the vault's downloads
 * (web/connection/download-bridge.ts), so bytes go worker → service worker without
 * the page copying them and without a size limit from memory. The page tells
 * the service worker it holds `token`, and the service worker asks it alone:
 * the token never goes on the BroadcastChannel, where any same-origin page
 * could learn it and fetch the file.
 */
export function serveShareDownloads (token: string, worker: ShareWorker, container: ServiceWorkerContainer | undefined = navigator.serviceWorker): () => void {
  if (container === undefined) return () => {}
  const announce = (): void => {
    void container.ready.then((registration) => { registration.active?.postMessage({ kind: 'share-token', token } satisfies ShareTokenHere) })
  }
  const onMessage = (ev: MessageEvent<unknown>): void => {
    const message = readFromServiceWorker(ev.data)
    if (message?.kind !== 'share-download-open') return
    const index = requestedIndex(message.token, token)
    if (index === null) return
    const { requestId } = message
    void container.ready.then((registration) => {
      const target = registration.active
      if (target === null) return
      const { port1, port2 } = new MessageChannel()
      worker.post({ kind: 'stream', port: port1, ...(index !== undefined ? { index } : {}) }, [port1])
      target.postMessage({ kind: 'download-port', requestId, port: port2 } satisfies DownloadPortMessage, [port2])
    })
  }
  container.addEventListener('message', onMessage)
  container.startMessages()
  // A restarted service worker forgets who holds which token and asks (with no token in the question).
  const channel = new BroadcastChannel(CHANNEL_NAME)
  channel.addEventListener('message', (ev: MessageEvent<TabMessage>) => { if (ev.data.kind === 'share-tokens-wanted') announce() })
  announce()
  return () => {
    container.removeEventListener('message', onMessage)
    channel.close()
  }
}

/** Resolves once a service worker controls this page (at once after the first visit; `clientsClaim` on the first). */
export async function whenServiceWorkerControls (): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false
  if (navigator.serviceWorker.controller !== null) return true
  await new Promise<void>((resolve) => { navigator.serviceWorker.addEventListener('controllerchange', () => { resolve() }, { once: true }) })
  return true
}
