import { CairnError } from './errors.ts'
import type { AbortOptions } from '@libp2p/interface'

/*
 * Retry pacing in one place: the peer keeper's redials and the backup
 * replicator's fetch retries take their delays from `backoffDelay`; each
 * schedules the next try against its own injected clock (core/clock.ts), so
 * tests move time instead of waiting. `sleep` is the one abortable wait.
 */

export interface BackoffPolicy {
  /** Delay after the first failure; doubles with each further one. */
  baseMs: number
  /** No delay grows past this (before jitter). */
  maxMs: number
  /** Spread as a fraction of the delay (0.25 → ±25 %), so retries do not move in lockstep; 0 for none. */
  jitter?: number
  /** Source of jitter in [0, 1) (default Math.random; tests pin it). */
  random?: () => number
}

/** Delay after failure number `failures` (1-based): base·2^(failures−1), capped, with jitter, in whole ms. */
export function backoffDelay (failures: number, policy: BackoffPolicy): number {
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1))
  const jitter = policy.jitter ?? 0
  if (jitter === 0) return delay
  const random = policy.random ?? Math.random
  return Math.round(delay * (1 - jitter + random() * 2 * jitter))
}

/** Waits `ms`; a signal cuts it short (it then rejects with the signal's reason, or ABORTED). */
export async function sleep (ms: number, options: AbortOptions = {}): Promise<void> {
  const { signal } = options
  if (signal?.aborted === true) throw abortReason(signal)
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => { clearTimeout(timer); reject(abortReason(signal)) }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function abortReason (signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new CairnError('ABORTED', 'the wait was aborted')
}
