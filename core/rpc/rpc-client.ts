import { fromErrorPayload } from '../errors.ts'
import type { ArgsOf, EventName, MethodName, NodeEvents, ResultOf, RpcClient } from './api.ts'
import type { CallMessage, FromNodeMessage, ResultMessage } from './messages.ts'
import type { RpcCarrier } from './rpc-carrier.ts'

/** What the client sends and receives on its carrier. */
export type RpcClientCarrier = RpcCarrier<CallMessage, FromNodeMessage>

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

/**
 * The RPC client over any carrier (core/rpc/rpc-carrier.ts): each call is a
 * CallMessage with an id unique to this client (`idPrefix:n`), settled by the
 * ResultMessage with that id (an error result rejects with the CairnError it
 * names); events go to their listeners. A carrier that loses a call answers
 * it with an error result itself, so the client never waits on a dead line.
 */
export function createRpcClient (carrier: RpcClientCarrier, idPrefix: string): RpcClient {
  const pending = new Map<string, Pending>()
  const listeners = new Map<EventName, Set<(data: unknown) => void>>()
  let nextCall = 0

  const settle = (message: ResultMessage): void => {
    const entry = pending.get(message.id)
    if (entry === undefined) return
    pending.delete(message.id)
    if (message.ok) entry.resolve(message.value)
    else entry.reject(fromErrorPayload(message.error))
  }

  carrier.listen((message) => {
    if (message.kind === 'event') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.data)
    } else if (message.kind === 'result') settle(message)
  })

  return {
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      const id = `${idPrefix}:${nextCall++}`
      return await new Promise<ResultOf<M>>((resolve, reject) => {
        // Registered before posting: a carrier may answer at once (no line to the node).
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        carrier.post({ kind: 'call', id, method, args })
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
