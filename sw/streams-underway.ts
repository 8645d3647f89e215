/// <reference lib="webworker" />
import type { StreamsUnderway } from '../core/rpc/keep-awake-messages.ts'

declare const self: ServiceWorkerGlobalScope

let underway = 0

/**
 * Counts a download streaming through this worker and tells every window
 * the count, so they keep this worker awake until it is done
 * (core/rpc/keep-awake-messages.ts). Returns the function that ends it (once).
 */
export function streamStarted (tell: (count: number) => void = tellWindows): () => void {
  underway++
  tell(underway)
  let ended = false
  return () => {
    if (ended) return
    ended = true
    underway--
    tell(underway)
  }
}

function tellWindows (count: number): void {
  void self.clients.matchAll({ type: 'window' }).then((windows) => {
    for (const window of windows) window.postMessage({ kind: 'streams-underway', count } satisfies StreamsUnderway)
  })
}
