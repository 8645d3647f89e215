import { sleep } from '../../../core/backoff.ts'

/**
 * The unit tests' one way to wait on a condition instead of sleeping a fixed
 * time: poll `check` until it holds or the timeout passes.
 */

/** Polls `check` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually (check: () => boolean | Promise<boolean>, timeoutMs = 10_000, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) return false
    await sleep(everyMs)
  }
  return true
}

/** Like {@link eventually}, but a timeout throws `timed out waiting for <what>`. */
export async function waitFor (check: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  if (!(await eventually(check, ms))) throw new Error(`timed out waiting for ${what}`)
}
