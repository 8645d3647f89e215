import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultStatus } from '../../core/rpc/api.ts'
import { isCairnError } from '../../core/rpc/errors.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'
import { createPhraseField, type RecoveryWordsLoader } from './phrase-field.ts'

export interface UnlockComponents {
  client: RpcClient
  /** Called with the node's status after a successful unlock or recovery. */
  onOpened: (status: VaultStatus) => void
  checkDelayMs?: number
  /** The node's status as the page knows it: says why the vault locked (keysChanged). */
  status?: ReadonlySignal<VaultStatus | undefined>
  /** The recovery word list (default: loaded on first use). */
  recoveryWords?: RecoveryWordsLoader
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
  /** Under the phrase while typing: the word count, or a word that is not a recovery word. */
  phraseHint: ReadonlySignal<string>
  /** The error is the phrase's (marks its field). */
  phraseRefused: ReadonlySignal<boolean>
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
  const phrase = createPhraseField(c.recoveryWords)
  const phraseRefused = signal(false)
  const form = createNewPassphraseForm(c.client, c.checkDelayMs)

  const reset = (): void => {
    mode.value = 'unlock'
    passphrase.value = ''
    phrase.clear()
    error.value = undefined
    passphraseRefused.value = false
    phraseRefused.value = false
    form.clear()
  }

  /** `check`: what is wrong before sending, if anything (the phrase's mistyped word). */
  const attempt = async (run: () => Promise<VaultStatus>, check?: () => Promise<string | undefined>): Promise<void> => {
    if (busy.value) return
    busy.value = true
    error.value = undefined
    passphraseRefused.value = false
    phraseRefused.value = false
    try {
      const problem = await check?.()
      if (problem !== undefined) {
        error.value = problem
        phraseRefused.value = true
        return
      }
      const status = await run()
      reset()
      c.onOpened(status)
    } catch (err) {
      // Fields stay as typed so one wrong word doesn't mean typing everything again.
      error.value = phrase.refusal(err)
      passphraseRefused.value = isCairnError(err, 'WRONG_PASSPHRASE')
      phraseRefused.value = isCairnError(err, 'BAD_RECOVERY_PHRASE') || isCairnError(err, 'WRONG_RECOVERY_PHRASE')
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
    recoveryPhrase: phrase.text,
    phraseHint: phrase.hint,
    phraseRefused,
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
    setRecoveryPhrase: phrase.set,
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
      if (!form.ready.value || phrase.text.value.trim() === '') return
      const typed = phrase.text.value.trim().toLowerCase().split(/\s+/).join(' ')
      await attempt(async () => await c.client.call('vault.recover', { recoveryPhrase: typed, newPassphrase: form.passphrase.value }), phrase.check)
    },
    showRecover: () => {
      error.value = undefined
      passphraseRefused.value = false
      phraseRefused.value = false
      mode.value = 'recover'
    },
    showUnlock: () => {
      error.value = undefined
      passphraseRefused.value = false
      phraseRefused.value = false
      mode.value = 'unlock'
    },
    reset
  }
}
