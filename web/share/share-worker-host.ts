import type { FromShareWorker, ToShareWorker } from '../../core/rpc/share-messages.ts'

/** The page's handle on its share worker. */
export interface ShareWorker {
  post: (message: ToShareWorker, transfer?: Transferable[]) => void
  /** Listens for the worker's answers; returns the unsubscribe. */
  listen: (listener: (message: FromShareWorker) => void) => () => void
  /** Stops the worker and its node (the page left the share). */
  terminate: () => void
}

/** Starts the light node that fetches one shared file (sw/workers/share-worker.ts). */
export function startShareWorker (): ShareWorker {
  const worker = new Worker(new URL('../../sw/workers/share-worker.ts', import.meta.url), { type: 'module', name: 'cairn-share' })
  const listeners = new Set<(message: FromShareWorker) => void>()
  worker.onmessage = (ev: MessageEvent<FromShareWorker>) => { for (const listener of listeners) listener(ev.data) }
  worker.onerror = (ev) => { console.error('Cairn share worker failed', ev.message) }
  return {
    post: (message, transfer = []) => { worker.postMessage(message, transfer) },
    listen: (listener) => { listeners.add(listener); return () => { listeners.delete(listener) } },
    terminate: () => { listeners.clear(); worker.terminate() }
  }
}
