import { CHANNEL_NAME, type DownloadPortMessage, type TabMessage } from '../node/tab-messages.ts'
import type { ShareWorker } from './share-worker-host.ts'

/** Where the service worker serves the shared file this page opened (`inline` for a preview; `index` for a file of a shared folder). */
export function shareDownloadUrl (token: string, inline = false, index?: number): string {
  return `/download/share/${encodeURIComponent(token)}${index !== undefined ? `/${index}` : ''}${inline ? '?inline' : ''}`
}

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
 * (web/node/download-bridge.ts), so bytes go worker → service worker without
 * the page copying them and without a size limit from memory.
 */
export function serveShareDownloads (token: string, worker: ShareWorker): () => void {
  const channel = new BroadcastChannel(CHANNEL_NAME)
  channel.addEventListener('message', (ev: MessageEvent<TabMessage>) => {
    const message = ev.data
    if (message.kind !== 'share-download-open') return
    const index = requestedIndex(message.token, token)
    if (index === null) return
    void navigator.serviceWorker.ready.then((registration) => {
      const target = registration.active
      if (target === null) return
      const { port1, port2 } = new MessageChannel()
      worker.post({ kind: 'stream', port: port1, ...(index !== undefined ? { index } : {}) }, [port1])
      target.postMessage({ kind: 'download-port', requestId: message.requestId, port: port2 } satisfies DownloadPortMessage, [port2])
    })
  })
  return () => { channel.close() }
}

/** Resolves once a service worker controls this page (at once after the first visit; `clientsClaim` on the first). */
export async function whenServiceWorkerControls (): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false
  if (navigator.serviceWorker.controller !== null) return true
  await new Promise<void>((resolve) => { navigator.serviceWorker.addEventListener('controllerchange', () => { resolve() }, { once: true }) })
  return true
}
