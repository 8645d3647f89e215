import type { Clock } from '../../../core/clock.ts'

/** A clock the test moves by hand (core/clock.ts): expiries, retention and backoff are tested without waiting. */
export interface ManualClock {
  now: Clock
  advance: (ms: number) => void
  set: (at: number) => void
}

export function manualClock (start = Date.UTC(2026, 0, 1)): ManualClock {
  let at = start
  return { now: () => at, advance: (ms) => { at += ms }, set: (to) => { at = to } }
}
