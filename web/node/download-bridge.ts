import type { NodeWorker } from './node-worker-host.ts'
import type { DownloadPortMessage, TabMessage } from './tab-messages.ts'

/**
 * The leader tab connects the service worker to the node for each download:
 * the service worker asks on the BroadcastChannel, the leader opens a
 * MessageChannel and hands one end to the node worker and the other to the
 * service worker, so bytes flow worker → service worker without the page
 * copying them.
 */
export function serveDownloads (channel: BroadcastChannel, worker: NodeWorker): void {
  channel.addEventListener('message', (ev: MessageEvent<TabMessage>) => {
    const message = ev.data
    if (message.kind !== 'download-open') return
    void navigator.serviceWorker.ready.then((registration) => {
      const target = registration.active
      if (target === null) return
      const { port1, port2 } = new MessageChannel()
      worker.post({ kind: 'stream-file', fileId: message.fileId, port: port1 }, [port1])
      target.postMessage({ kind: 'download-port', requestId: message.requestId, port: port2 } satisfies DownloadPortMessage, [port2])
    })
  })
}
