import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { PassphraseCheck, RpcClient } from '../../core/rpc/api.ts'
import { createPassphraseCheck, type PassphraseCheckModel } from './passphrase-check-model.ts'

/**
 * A "choose a passphrase" pair of fields (onboarding, recovery, change
 * passphrase): the text, its confirmation and the node's live strength verdict.
 */
export interface NewPassphraseForm {
  passphrase: ReadonlySignal<string>
  confirmation: ReadonlySignal<string>
  check: PassphraseCheckModel
  /** The node's verdict on exactly the current text (undefined while checking). */
  verdict: ReadonlySignal<PassphraseCheck | undefined>
  /** The confirmation has been typed and differs. */
  mismatch: ReadonlySignal<boolean>
  /** Acceptable to the node and confirmed: the submit button may be enabled. */
  ready: ReadonlySignal<boolean>
  setPassphrase: (value: string) => void
  setConfirmation: (value: string) => void
  clear: () => void
}

export function createNewPassphraseForm (client: RpcClient, checkDelayMs?: number): NewPassphraseForm {
  const passphrase = signal('')
  const confirmation = signal('')
  const check = createPassphraseCheck(client, checkDelayMs)
  const verdict = computed(() => check.verdictFor(passphrase.value))
  const mismatch = computed(() => confirmation.value !== '' && confirmation.value !== passphrase.value)
  return {
    passphrase,
    confirmation,
    check,
    verdict,
    mismatch,
    ready: computed(() => verdict.value?.acceptable === true && passphrase.value === confirmation.value),
    setPassphrase: (value) => {
      passphrase.value = value
      check.update(value)
    },
    setConfirmation: (value) => { confirmation.value = value },
    clear: () => {
      passphrase.value = ''
      confirmation.value = ''
      check.reset()
    }
  }
}
