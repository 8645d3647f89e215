import type { EventName, RpcClient } from '../../core/rpc/api.ts'

/** Timer functions, injectable so tests can drive them. */
export interface IntervalTimers {
  setInterval: (fn: () => void, ms: number) => unknown
  clearInterval: (handle: unknown) => void
}

export const realTimers: IntervalTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => { clearInterval(handle as ReturnType<typeof setInterval>) }
}

/**
 * Keeps a page's figures fresh while it is open: refreshes now, on every
 * `event` the node pushes, and every `intervalMs` (figures such as latency or
 * "last seen" change without an event). Returns the stop function.
 */
export function liveRefresh (client: RpcClient, event: EventName, refresh: () => Promise<void>, intervalMs: number, timers: IntervalTimers = realTimers): () => void {
  const run = (): void => { void refresh() }
  const off = client.on(event, run)
  const handle = timers.setInterval(run, intervalMs)
  run()
  return () => {
    off()
    timers.clearInterval(handle)
  }
}
