import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultStatus } from '../../core/rpc/api.ts'
import { errorCodeOf, errorMessage } from '../error-messages.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'

export interface RestoreComponents {
  client: RpcClient
  /** Called with the node's status once the vault is back (the app shows the files). */
  onRestored: (status: VaultStatus) => void
  checkDelayMs?: number
}

/**
 * "Restore a vault" on a fresh browser: the recovery phrase and a backup
 * peer's address bring the vault back; a new passphrase opens it on this
 * device from now on.
 */
export interface RestoreModel {
  /** The restore form is showing instead of "Create your vault". */
  showing: ReadonlySignal<boolean>
  recoveryPhrase: ReadonlySignal<string>
  peerAddress: ReadonlySignal<string>
  form: NewPassphraseForm
  busy: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** Every field filled and the passphrase accepted and confirmed. */
  ready: ReadonlySignal<boolean>
  show: () => void
  cancel: () => void
  setRecoveryPhrase: (value: string) => void
  setPeerAddress: (value: string) => void
  restore: () => Promise<void>
}

/** In a restore, NOT_PAIRED means the peer has nothing stored under this phrase's vault. */
const NOT_PAIRED_ON_RESTORE = 'That backup peer holds no vault for this recovery phrase. Check the words and the peer address.'

/** "  Orbit   canal\nmaple " → "orbit canal maple" (how people paste or type the words). */
export function normalisePhrase (text: string): string {
  return text.trim().toLowerCase().split(/\s+/).join(' ')
}

export function createRestoreModel (c: RestoreComponents): RestoreModel {
  const showing = signal(false)
  const recoveryPhrase = signal('')
  const peerAddress = signal('')
  const form = createNewPassphraseForm(c.client, c.checkDelayMs)
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)

  const clear = (): void => {
    recoveryPhrase.value = ''
    peerAddress.value = ''
    error.value = undefined
    form.clear()
  }

  const ready = computed(() => recoveryPhrase.value.trim() !== '' && peerAddress.value.trim() !== '' && form.ready.value)

  return {
    showing,
    recoveryPhrase,
    peerAddress,
    form,
    busy,
    error,
    ready,
    show: () => {
      clear()
      showing.value = true
    },
    cancel: () => {
      if (busy.value) return
      clear()
      showing.value = false
    },
    setRecoveryPhrase: (value) => { recoveryPhrase.value = value },
    setPeerAddress: (value) => { peerAddress.value = value },
    restore: async () => {
      if (!ready.value || busy.value) return
      busy.value = true
      error.value = undefined
      try {
        const status = await c.client.call('vault.restore', {
          recoveryPhrase: normalisePhrase(recoveryPhrase.value),
          peerAddress: peerAddress.value.trim(),
          newPassphrase: form.passphrase.value
        })
        clear()
        showing.value = false
        c.onRestored(status)
      } catch (err) {
        // Fields stay as typed: one wrong word or digit should not mean typing it all again.
        error.value = errorCodeOf(err) === 'NOT_PAIRED' ? NOT_PAIRED_ON_RESTORE : errorMessage(err)
      } finally {
        busy.value = false
      }
    }
  }
}
