import { signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient, VaultStatus } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { createPhraseConfirm, type PhraseConfirm } from './phrase-confirm.ts'

/**
 * Settings → "Show recovery phrase": ask for the passphrase, then show the
 * words until hidden. A vault whose phrase was never confirmed (onboarding
 * left on "Write down your recovery phrase") is confirmed here: the user
 * types three of the words back, as in onboarding.
 */
export interface RevealPhraseModel {
  /** The passphrase dialog is open. */
  asking: ReadonlySignal<boolean>
  passphrase: ReadonlySignal<string>
  busy: ReadonlySignal<boolean>
  error: ReadonlySignal<string | undefined>
  /** The words, while shown. */
  words: ReadonlySignal<string[] | undefined>
  /** The user is typing words back (the words are hidden meanwhile). */
  checking: ReadonlySignal<boolean>
  confirm: PhraseConfirm
  /** Set once this page confirmed the phrase (until hidden). */
  confirmed: ReadonlySignal<boolean>
  open: () => void
  cancel: () => void
  setPassphrase: (value: string) => void
  reveal: () => Promise<void>
  /** "I wrote them down": asks three words back. */
  startCheck: () => void
  /** Back to the words from the check. */
  showWords: () => void
  /** Checks the typed words and tells the node the phrase is confirmed. */
  confirmWords: () => Promise<void>
  hide: () => void
}

export function createRevealPhraseModel (client: RpcClient, onStatus: (status: VaultStatus) => void = () => {}): RevealPhraseModel {
  const asking = signal(false)
  const passphrase = signal('')
  const busy = signal(false)
  const error = signal<string | undefined>(undefined)
  const words = signal<string[] | undefined>(undefined)
  const checking = signal(false)
  const confirm = createPhraseConfirm()
  const confirmed = signal(false)

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
    checking,
    confirm,
    confirmed,
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
        checking.value = false
        confirmed.value = false
        cancel()
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = false
      }
    },
    startCheck: () => {
      if (words.value === undefined) return
      confirm.start(words.value.length)
      error.value = undefined
      checking.value = true
    },
    showWords: () => {
      checking.value = false
      error.value = undefined
    },
    confirmWords: async () => {
      const shown = words.value
      if (shown === undefined || busy.value || !confirm.check(shown)) return
      busy.value = true
      error.value = undefined
      try {
        onStatus(await client.call('vault.confirmRecoveryPhrase', undefined))
        words.value = undefined
        checking.value = false
        confirm.clear()
        confirmed.value = true
      } catch (err) {
        error.value = errorMessage(err)
      } finally {
        busy.value = false
      }
    },
    hide: () => {
      words.value = undefined
      checking.value = false
      confirmed.value = false
      confirm.clear()
      cancel()
    }
  }
}
