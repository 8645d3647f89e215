import { signal, type ReadonlySignal } from '@preact/signals'
import type { PassphraseCheck, RpcClient } from '../../core/rpc/api.ts'

/** How long typing must pause before the node is asked (Argon2id is not involved; this just avoids a call per key). */
export const CHECK_DELAY_MS = 200

export interface CheckedPassphrase {
  passphrase: string
  check: PassphraseCheck
}

/**
 * A live strength check for one passphrase field: `update()` on every
 * keystroke, the node's verdict arrives (debounced) in `latest`. Answers that
 * arrive out of order are dropped, so `latest` always describes the newest text
 * that was checked.
 */
export interface PassphraseCheckModel {
  latest: ReadonlySignal<CheckedPassphrase | undefined>
  /**
   * A passphrase that passes, from the node's first refusal: kept while the
   * person types (a new one per keystroke would be noise), cleared by reset.
   */
  example: ReadonlySignal<string | undefined>
  update: (passphrase: string) => void
  /** Asks the node for an example before anything is typed (the rules show it); a no-op once there is one. */
  prefetchExample: () => Promise<void>
  /** The verdict for exactly this text, or undefined while it is still being checked. */
  verdictFor: (passphrase: string) => PassphraseCheck | undefined
  reset: () => void
}

export function createPassphraseCheck (client: RpcClient, delayMs = CHECK_DELAY_MS): PassphraseCheckModel {
  const latest = signal<CheckedPassphrase | undefined>(undefined)
  const example = signal<string | undefined>(undefined)
  let timer: ReturnType<typeof setTimeout> | undefined
  let requested = 0

  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    requested++
  }

  const run = async (passphrase: string, ticket: number): Promise<void> => {
    try {
      const check = await client.call('vault.checkPassphrase', { passphrase })
      if (ticket === requested) latest.value = { passphrase, check }
      example.value ??= check.example
    } catch {
      // No verdict means the Create button stays disabled; the node's own
      // WEAK_PASSPHRASE check still guards vault.create.
      if (ticket === requested) latest.value = undefined
    }
  }

  return {
    latest,
    example,
    update: (passphrase) => {
      cancel()
      if (passphrase === '') {
        latest.value = undefined
        return
      }
      const ticket = requested
      timer = setTimeout(() => { timer = undefined; void run(passphrase, ticket) }, delayMs)
    },
    prefetchExample: async () => {
      if (example.value !== undefined) return
      try {
        // The empty text is refused with an example, and no verdict is kept for it.
        const check = await client.call('vault.checkPassphrase', { passphrase: '' })
        example.value ??= check.example
      } catch {
        // No example: the rules still read well without one.
      }
    },
    verdictFor: (passphrase) => latest.value?.passphrase === passphrase ? latest.value.check : undefined,
    reset: () => {
      cancel()
      latest.value = undefined
      example.value = undefined
    }
  }
}
