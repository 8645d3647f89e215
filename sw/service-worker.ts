/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { answerDownload, answerShareDownload, acceptDownloadPort } from './download-route.ts'
import { forwardNodePort, registerLeader } from './node-port-route.ts'
import { registerShareToken } from './share-token-route.ts'
import { answerShareTarget, isShareTarget, takeSharedFiles } from './share-target-route.ts'
import { readToServiceWorker } from '../core/rpc/service-worker-messages.ts'
import { DOWNLOAD_PATH_PATTERN, isDownloadPath, isShareDownloadPath, isZipDownloadPath } from '../core/rpc/service-worker-urls.ts'
import { answerZipDownload } from './zip-download-route.ts'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string, revision: string | null }> }

// The app shell: precached so Cairn opens offline after the first visit.
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [DOWNLOAD_PATH_PATTERN] }))

// The OS share sheet POSTs here (Web Share Target); NavigationRoute and the precache only match GET.
registerRoute(isShareTarget, answerShareTarget, 'POST')

// Downloads are streamed from the node worker, decrypted on the fly.
registerRoute(({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && isShareDownloadPath(url.pathname), answerShareDownload)
registerRoute(({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && isZipDownloadPath(url.pathname), answerZipDownload)
registerRoute(({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && isDownloadPath(url.pathname), answerDownload)

self.addEventListener('message', (event) => {
  const message = readToServiceWorker(event.data)
  if (message === undefined) return
  if ('type' in message) { void self.skipWaiting(); return }
  const source = event.source instanceof Client ? event.source : undefined
  switch (message.kind) {
    case 'download-port': acceptDownloadPort(message); break
    case 'shared-files-take': takeSharedFiles(message, event.ports[0]); break
    case 'node-port-offer': event.waitUntil(forwardNodePort(message.port)); break
    case 'node-leader': if (source !== undefined) registerLeader(source.id); break
    case 'share-token': if (source !== undefined) registerShareToken(message.token, source.id); break
    // The event itself is the point: Firefox stops a worker 30 s after its last event (core/rpc/keep-awake-messages.ts).
    case 'stay-awake': break
  }
})

// The first visit's page is controlled at once, so downloads work without a reload.
clientsClaim()
