import { signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'

/** Settings → "Show recovery phrase": ask for the passphrase, then show the words until hidden. */
export interface RevealPhraseModel {
  /** The passphrase dialog is open. */
  asking: ReadonlySignal<boolean>
  passphrase: ReadonlySignal<string>
  busy: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The words, while shown. */
  words: ReadonlySignal<string[] | undefined>
  open: () => void
  cancel: () => void
  setPassphrase: (value: string) => void
  reveal: () => Promise<void>
  hide: () => void
}

export function createRevealPhraseModel (client: RpcClient): RevealPhraseModel {
  const asking = signal(false)
  const passphrase = signal('')
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)
  const words = signal<string[] | undefined>(undefined)

  const cancel = (): void => {
    asking.value = false
    passphrase.value = ''
    error.value = undefined
  }

  return {
    asking,
    passphrase,
    busy,
    error,
    words,
    open: () => {
      cancel()
      asking.value = true
    },
    cancel,
    setPassphrase: (value) => { passphrase.value = value },
    reveal: async () => {
      if (passphrase.value === '' || busy.value) return
      busy.value = true
      error.value = undefined
      try {
        const { recoveryPhrase } = await client.call('vault.revealRecoveryPhrase', { passphrase: passphrase.value })
        words.value = recoveryPhrase.trim().split(/\s+/)
        cancel()
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = false
      }
    },
    hide: () => {
      words.value = undefined
      cancel()
    }
  }
}
