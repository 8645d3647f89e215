import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultStatus } from '../../core/rpc/api.ts'
import { isCairnError } from '../../core/rpc/errors.ts'
import { errorMessage } from '../error-messages.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'

export interface UnlockComponents {
  client: RpcClient
  /** Called with the node's status after a successful unlock or recovery. */
  onOpened: (status: VaultStatus) => void
  checkDelayMs?: number
  /** The node's status as the page knows it: says why the vault locked (keysChanged). */
  status?: ReadonlySignal<VaultStatus | undefined>
}

/** What the locked screen says when another device's "Remove and rotate keys" locked this one. */
export const KEYS_CHANGED_NOTICE = "Your vault's keys were changed on another device. Unlock to take the new key."

/** What the passphrase field says when Unlock is pressed with nothing typed. */
export const PASSPHRASE_MISSING = 'Type your passphrase.'

/** The locked screen: unlock with the passphrase, or "forgot passphrase" recovery. */
export interface UnlockModel {
  mode: ReadonlySignal<'unlock' | 'recover'>
  passphrase: ReadonlySignal<string>
  busy: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The error is the passphrase's (marks the field): missing or refused; not when the node could not be reached. */
  passphraseRefused: ReadonlySignal<boolean>
  recoveryPhrase: ReadonlySignal<string>
  /** The new passphrase chosen during recovery. */
  form: NewPassphraseForm
  /** Why the vault is locked, when the user needs telling (another device changed its keys); else undefined. */
  notice: ReadonlySignal<string | undefined>
  setPassphrase: (value: string) => void
  setRecoveryPhrase: (value: string) => void
  unlock: () => Promise<void>
  recover: () => Promise<void>
  showRecover: () => void
  showUnlock: () => void
  /** Forgets everything typed (after opening, or on leaving the screen). */
  reset: () => void
}

export function createUnlockModel (c: UnlockComponents): UnlockModel {
  const mode = signal<'unlock' | 'recover'>('unlock')
  const passphrase = signal('')
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)
  const passphraseRefused = signal(false)
  const recoveryPhrase = signal('')
  const form = createNewPassphraseForm(c.client, c.checkDelayMs)

  const reset = (): void => {
    mode.value = 'unlock'
    passphrase.value = ''
    recoveryPhrase.value = ''
    error.value = undefined
    passphraseRefused.value = false
    form.clear()
  }

  const attempt = async (run: () => Promise<VaultStatus>): Promise<void> => {
    if (busy.value) return
    busy.value = true
    error.value = undefined
    passphraseRefused.value = false
    try {
      const status = await run()
      reset()
      c.onOpened(status)
    } catch (err) {
      // Fields stay as typed so one wrong word doesn't mean typing everything again.
      error.value = errorMessage(err)
      passphraseRefused.value = isCairnError(err, 'WRONG_PASSPHRASE')
    } finally {
      busy.value = false
    }
  }

  return {
    mode,
    passphrase,
    busy,
    error,
    passphraseRefused,
    recoveryPhrase,
    form,
    notice: computed(() => c.status?.value?.keysChanged === true ? KEYS_CHANGED_NOTICE : undefined),
    setPassphrase: (value) => {
      passphrase.value = value
      // "Type your passphrase" is answered by typing; a refusal stays until the next try.
      if (error.value === PASSPHRASE_MISSING) {
        error.value = undefined
        passphraseRefused.value = false
      }
    },
    setRecoveryPhrase: (value) => { recoveryPhrase.value = value },
    unlock: async () => {
      if (passphrase.value === '') {
        if (busy.value) return
        error.value = PASSPHRASE_MISSING
        passphraseRefused.value = true
        return
      }
      await attempt(async () => await c.client.call('vault.unlock', { passphrase: passphrase.value }))
    },
    recover: async () => {
      if (!form.ready.value || recoveryPhrase.value.trim() === '') return
      const phrase = recoveryPhrase.value.trim().toLowerCase().split(/\s+/).join(' ')
      await attempt(async () => await c.client.call('vault.recover', { recoveryPhrase: phrase, newPassphrase: form.passphrase.value }))
    },
    showRecover: () => {
      error.value = undefined
      mode.value = 'recover'
    },
    showUnlock: () => {
      error.value = undefined
      mode.value = 'unlock'
    },
    reset
  }
}
