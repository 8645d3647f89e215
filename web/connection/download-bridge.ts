import type { DownloadPortMessage } from '../../core/rpc/download-messages.ts'
import { readFromServiceWorker } from '../../core/rpc/service-worker-messages.ts'
import type { NodeWorker } from './node-worker-host.ts'

/**
 * The leader tab connects the service worker to the node for each download:
 * the service worker asks this tab directly (never on the BroadcastChannel,
 * where the file's id would let any same-origin page fetch it), the leader
 * opens a MessageChannel and hands one end to the node worker and the other
 * to the service worker, so bytes flow worker → service worker without the
 * page copying them.
 */
export function serveDownloads (worker: NodeWorker, container: ServiceWorkerContainer | undefined = navigator.serviceWorker): void {
  if (container === undefined) return
  container.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const message = readFromServiceWorker(ev.data)
    if (message?.kind !== 'download-open' && message?.kind !== 'zip-open') return
    const { requestId } = message
    void container.ready.then((registration) => {
      const target = registration.active
      if (target === null) return
      const { port1, port2 } = new MessageChannel()
      if (message.kind === 'zip-open') worker.post({ kind: 'stream-zip', folder: message.folder, picks: message.picks, port: port1 }, [port1])
      else worker.post({ kind: 'stream-file', fileId: message.fileId, ...(message.versionId !== undefined ? { versionId: message.versionId } : {}), port: port1 }, [port1])
      target.postMessage({ kind: 'download-port', requestId, port: port2 } satisfies DownloadPortMessage, [port2])
    })
  })
  container.startMessages()
}
