/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { answerDownload, answerShareDownload, acceptDownloadPort } from './download-route.ts'
import { forwardNodePort, registerLeader } from './node-port-route.ts'
import { registerShareToken } from './share-token-route.ts'
import { answerShareTarget, isShareTarget, takeSharedFiles, type SharedFilesTake } from './share-target-route.ts'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string, revision: string | null }> }

// The app shell: precached so Cairn opens offline after the first visit.
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/download\//] }))

// The OS share sheet POSTs here (Web Share Target); NavigationRoute and the precache only match GET.
registerRoute(isShareTarget, answerShareTarget, 'POST')

// Downloads are streamed from the node worker, decrypted on the fly.
registerRoute(({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith('/download/share/'), answerShareDownload)
registerRoute(({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith('/download/'), answerDownload)

self.addEventListener('message', (event) => {
  const data: unknown = event.data
  if (typeof data !== 'object' || data === null) return
  const kind = (data as { kind?: unknown }).kind
  // workbox-window's messageSkipWaiting(): the user chose "Reload to update".
  if ((data as { type?: unknown }).type === 'SKIP_WAITING') void self.skipWaiting()
  else if (kind === 'download-port') acceptDownloadPort(data as { requestId: string, port: MessagePort })
  else if (kind === 'shared-files-take') takeSharedFiles(data as SharedFilesTake, event.ports[0])
  else if (kind === 'node-port-offer') {
    const port = (data as { port?: unknown }).port
    if (port instanceof MessagePort) event.waitUntil(forwardNodePort(port))
  } else if (kind === 'node-leader' && event.source instanceof Client) registerLeader(event.source.id)
  else if (kind === 'share-token' && event.source instanceof Client) {
    const token = (data as { token?: unknown }).token
    if (typeof token === 'string') registerShareToken(token, event.source.id)
  }
})

// The first visit's page is controlled at once, so downloads work without a reload.
clientsClaim()
