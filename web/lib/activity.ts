/** Report user activity to the node at most this often (it only restarts an idle timer). */
export const ACTIVITY_INTERVAL_MS = 30_000

const EVENTS = ['pointerdown', 'keydown'] as const

/**
 * Calls `onActivity` on the first pointer or key press, then at most once per
 * `intervalMs`. Returns the unsubscribe.
 */
export function watchActivity (target: EventTarget, onActivity: () => void, intervalMs = ACTIVITY_INTERVAL_MS, now: () => number = Date.now): () => void {
  let last = -Infinity
  const listener = (): void => {
    const t = now()
    if (t - last < intervalMs) return
    last = t
    onActivity()
  }
  // Capture phase and passive: never delays or blocks what the user is doing.
  for (const type of EVENTS) target.addEventListener(type, listener, { capture: true, passive: true })
  return () => {
    for (const type of EVENTS) target.removeEventListener(type, listener, { capture: true })
  }
}
