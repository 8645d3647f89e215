import { CairnError, type ErrorCode } from '../../../core/errors.ts'
import type { ArgsOf, EventName, MethodName, NodeEvents, ResultOf, RpcClient } from '../../../core/rpc/api.ts'
import type { IntervalTimers } from '../../../web/lib/live-refresh.ts'

export type Handlers = { [M in MethodName]?: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> }

/** An RpcClient over a handler map, recording calls and letting the test push events. */
export interface TestClient extends RpcClient {
  calls: Array<{ method: MethodName, args: unknown }>
  emit: <E extends EventName>(event: E, data: NodeEvents[E]) => void
  handlers: Handlers
}

export function createTestClient (handlers: Handlers = {}): TestClient {
  const listeners = new Map<EventName, Set<(data: unknown) => void>>()
  const calls: TestClient['calls'] = []
  return {
    calls,
    handlers,
    async call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>> {
      calls.push({ method, args })
      const handler = handlers[method] as ((args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>) | undefined
      if (handler === undefined) throw new CairnError('RPC_UNKNOWN_METHOD', method)
      return await handler(args)
    },
    on<E extends EventName>(event: E, listener: (data: NodeEvents[E]) => void): () => void {
      let set = listeners.get(event)
      if (set === undefined) listeners.set(event, set = new Set())
      const wrapped = listener as (data: unknown) => void
      set.add(wrapped)
      return () => { set.delete(wrapped) }
    },
    emit (event, data) {
      for (const l of listeners.get(event) ?? []) l(data)
    }
  }
}

export function fail (code: ErrorCode): never {
  throw new CairnError(code, `test failure ${code}`)
}

/** A promise the test settles by hand. */
export function deferred<T> (): { promise: Promise<T>, resolve: (v: T) => void, reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

/** Lets queued microtasks and zero-delay timers run. */
export async function settle (ms = 0): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Interval timers the test fires by hand (`tick`), counting the ones still set. */
export function manualTimers (): IntervalTimers & { tick: () => void, active: () => number } {
  const fns = new Map<number, () => void>()
  let next = 1
  return {
    setInterval: (fn) => { fns.set(next, fn); return next++ },
    clearInterval: (handle) => { fns.delete(handle as number) },
    tick: () => { for (const fn of [...fns.values()]) fn() },
    active: () => fns.size
  }
}
