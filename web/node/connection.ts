import { CairnError, fromErrorPayload } from '../../core/errors.ts'
import type { ArgsOf, EventName, MethodName, NodeEvents, ResultOf, RpcClient } from '../../core/rpc/api.ts'
import type { CallMessage, EventMessage, FromNodeMessage, ResultMessage } from '../../core/rpc/messages.ts'
import { CHANNEL_NAME, LEADER_LOCK, type TabMessage } from './tab-messages.ts'
import { serveDownloads } from './download-bridge.ts'
import { startNodeWorker, type NodeWorker } from './node-worker-host.ts'

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  /** Leader that was asked; if it goes away the call cannot complete. */
  leaderId: string | undefined
  message: CallMessage
}

/**
 * The page's one way to reach the node (DESIGN §2: one node per origin).
 *
 * Every tab competes for a Web Lock; the holder (the leader) starts the node in
 * a dedicated worker and relays other tabs' calls to it over a
 * BroadcastChannel. When the leader closes, its lock is released, the next tab
 * takes it and starts the node again; calls that were in flight at the old
 * leader fail with NODE_UNAVAILABLE rather than running twice.
 */
export function connectToNode (): RpcClient {
  const tabId = crypto.randomUUID()
  const channel = new BroadcastChannel(CHANNEL_NAME)
  const pending = new Map<string, Pending>()
  const listeners = new Map<EventName, Set<(data: unknown) => void>>()
  let worker: NodeWorker | undefined
  let leaderId: string | undefined
  let nextCall = 0

  const emitLocal = (message: EventMessage): void => {
    for (const listener of listeners.get(message.event) ?? []) listener(message.data)
  }

  const settle = (message: ResultMessage): void => {
    const entry = pending.get(message.id)
    if (entry === undefined) return
    pending.delete(message.id)
    if (message.ok) entry.resolve(message.value)
    else entry.reject(fromErrorPayload(message.error))
  }

  const send = (entry: Pending): void => {
    entry.leaderId = leaderId
    if (worker !== undefined) worker.post(entry.message)
    else if (leaderId !== undefined) channel.postMessage({ kind: 'tab-call', to: leaderId, call: entry.message } satisfies TabMessage)
    // else: no leader yet; `leader-ready` sends it.
  }

  const onLeaderReady = (newLeader: string): void => {
    leaderId = newLeader
    for (const [id, entry] of pending) {
      if (entry.leaderId === undefined) {
        send(entry)
      } else if (entry.leaderId !== newLeader) {
        // The tab that was running this call is gone, and its worker with it.
        pending.delete(id)
        entry.reject(new CairnError('NODE_UNAVAILABLE', 'The tab that ran Cairn closed while this was in progress; please try again'))
      }
    }
  }

  const fromWorker = (message: FromNodeMessage): void => {
    if (message.kind === 'event') {
      emitLocal(message)
      channel.postMessage({ kind: 'tab-event', event: message } satisfies TabMessage)
      return
    }
    if (message.id.startsWith(tabId)) settle(message)
    else channel.postMessage({ kind: 'tab-result', result: message } satisfies TabMessage)
  }

  channel.onmessage = (ev: MessageEvent<TabMessage>) => {
    const message = ev.data
    switch (message.kind) {
      case 'leader-ready':
        if (worker === undefined) onLeaderReady(message.leaderId)
        break
      case 'who-leads':
        if (worker !== undefined) channel.postMessage({ kind: 'leader-ready', leaderId: tabId } satisfies TabMessage)
        break
      case 'tab-call':
        if (worker !== undefined && message.to === tabId) worker.post(message.call)
        break
      case 'tab-result':
        if (message.result.id.startsWith(tabId)) settle(message.result)
        break
      case 'tab-event':
        if (worker === undefined) emitLocal(message.event)
        break
    }
  }

  void navigator.locks.request(LEADER_LOCK, async () => {
    worker = startNodeWorker(fromWorker)
    serveDownloads(channel, worker)
    onLeaderReady(tabId)
    channel.postMessage({ kind: 'leader-ready', leaderId: tabId } satisfies TabMessage)
    // Hold the lock for the life of this tab: releasing it hands the node over.
    await new Promise<never>(() => {})
  })
  // A tab that opens while another leads asks who that is.
  channel.postMessage({ kind: 'who-leads' } satisfies TabMessage)

  return {
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const id = `${tabId}:${nextCall++}`
      return await new Promise<ResultOf<M>>((resolve, reject) => {
        const entry: Pending = {
          resolve: resolve as (value: unknown) => void,
          reject,
          leaderId: undefined,
          message: { kind: 'call', id, method, args }
        }
        pending.set(id, entry)
        if (worker !== undefined || leaderId !== undefined) send(entry)
      })
    },
    on<E extends EventName>(event: E, listener: (data: NodeEvents[E]) => void): () => void {
      let set = listeners.get(event)
      if (set === undefined) listeners.set(event, set = new Set())
      const wrapped = listener as (data: unknown) => void
      set.add(wrapped)
      return () => { set.delete(wrapped) }
    }
  }
}
