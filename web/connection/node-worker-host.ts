import type { FromNodeMessage, ToNodeMessage } from '../../core/rpc/messages.ts'

export interface NodeWorker {
  post: (message: ToNodeMessage, transfer?: Transferable[]) => void
}

/** Starts the node in a dedicated worker (the only context with OPFS sync access handles). */
export function startNodeWorker (onMessage: (message: FromNodeMessage) => void): NodeWorker {
  const worker = new Worker(new URL('../../sw/workers/node-worker.ts', import.meta.url), { type: 'module', name: 'cairn-node' })
  worker.onmessage = (ev: MessageEvent<FromNodeMessage>) => { onMessage(ev.data) }
  worker.onerror = (ev) => { console.error('Cairn node worker failed', ev.message) }
  return {
    post: (message, transfer = []) => { worker.postMessage(message, transfer) }
  }
}
