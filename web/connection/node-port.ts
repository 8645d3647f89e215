import type { NodeLeaderHere, NodePortOffer } from '../../core/rpc/node-port-messages.ts'
import { readFromServiceWorker } from '../../core/rpc/service-worker-messages.ts'
import type { TabMessage } from '../../core/rpc/tab-channel-messages.ts'
import type { NodeWorker } from './node-worker-host.ts'

/** How long to wait for the service worker to be active (a first visit installs it). */
const READY_TIMEOUT_MS = 15_000

/**
 * A tab that does not run the node hands one end of its own MessageChannel
 * to the service worker, which passes it to the tab holding the leader lock
 * (sw/node-port-route.ts). Returns false when there is no service worker to
 * carry it; the tab then cannot reach the node (and says so), rather than
 * fall back to the BroadcastChannel every same-origin page hears.
 */
export async function offerNodePort (port: MessagePort, container: ServiceWorkerContainer | undefined = navigator.serviceWorker): Promise<boolean> {
  if (container === undefined) return false
  // With no service worker at all (a dev server without one) `ready` never settles.
  let timer: ReturnType<typeof setTimeout> | undefined
  const gaveUp = new Promise<undefined>((resolve) => { timer = setTimeout(() => { resolve(undefined) }, READY_TIMEOUT_MS) })
  const registration = await Promise.race([container.ready, gaveUp])
  clearTimeout(timer)
  const target = registration?.active
  if (target === undefined || target === null) return false
  target.postMessage({ kind: 'node-port-offer', port } satisfies NodePortOffer, [port])
  return true
}

/**
 * The leader tab tells the service worker that ports for the node come to it
 * (now, and whenever a restarted service worker asks on the channel), and
 * passes each port the service worker brings to its node worker.
 */
export function acceptNodePorts (channel: BroadcastChannel, worker: NodeWorker, container: ServiceWorkerContainer | undefined = navigator.serviceWorker): void {
  if (container === undefined) return
  container.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const data = readFromServiceWorker(ev.data)
    if (data?.kind !== 'node-port') return
    worker.post({ kind: 'connect-port', port: data.port }, [data.port])
  })
  // Messages from the service worker to a page it does not control wait until this is called.
  container.startMessages()
  const announce = (): void => {
    void container.ready.then((registration) => { registration.active?.postMessage({ kind: 'node-leader' } satisfies NodeLeaderHere) })
  }
  channel.addEventListener('message', (ev: MessageEvent<TabMessage>) => { if (ev.data.kind === 'node-leader-wanted') announce() })
  announce()
}
