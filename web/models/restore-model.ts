import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultStatus } from '../../core/rpc/api.ts'
import { errorCodeOf } from '../error-messages.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'
import { createPhraseField, type RecoveryWordsLoader } from './phrase-field.ts'

export interface RestoreComponents {
  client: RpcClient
  /** Called with the node's status once the vault is back (the app shows the files). */
  onRestored: (status: VaultStatus) => void
  checkDelayMs?: number
  /** The recovery word list (default: loaded on first use). */
  recoveryWords?: RecoveryWordsLoader
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
  /** Under the phrase while typing: the word count, or a word that is not a recovery word. */
  phraseHint: ReadonlySignal<string>
  /** The error is the phrase's (marks its field). */
  phraseRefused: ReadonlySignal<boolean>
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
  const phrase = createPhraseField(c.recoveryWords)
  const phraseRefused = signal(false)
  const peerAddress = signal('')
  const form = createNewPassphraseForm(c.client, c.checkDelayMs)
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)

  const clear = (): void => {
    phrase.clear()
    peerAddress.value = ''
    error.value = undefined
    phraseRefused.value = false
    form.clear()
  }

  const ready = computed(() => phrase.text.value.trim() !== '' && peerAddress.value.trim() !== '' && form.ready.value)

  return {
    showing,
    recoveryPhrase: phrase.text,
    phraseHint: phrase.hint,
    phraseRefused,
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
    setRecoveryPhrase: phrase.set,
    setPeerAddress: (value) => { peerAddress.value = value },
    restore: async () => {
      if (!ready.value || busy.value) return
      busy.value = true
      error.value = undefined
      phraseRefused.value = false
      try {
        // A mistyped word is named here, before anything goes to the node or the network.
        const problem = await phrase.check()
        if (problem !== undefined) {
          error.value = problem
          phraseRefused.value = true
          return
        }
        const status = await c.client.call('vault.restore', {
          recoveryPhrase: normalisePhrase(phrase.text.value),
          peerAddress: peerAddress.value.trim(),
          newPassphrase: form.passphrase.value
        })
        clear()
        showing.value = false
        c.onRestored(status)
      } catch (err) {
        // Fields stay as typed: one wrong word or digit should not mean typing it all again.
        const code = errorCodeOf(err)
        error.value = code === 'NOT_PAIRED' ? NOT_PAIRED_ON_RESTORE : phrase.refusal(err)
        phraseRefused.value = code === 'BAD_RECOVERY_PHRASE'
      } finally {
        busy.value = false
      }
    }
  }
}
