import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { requestPersistence, type PersistenceState, type StorageAccess } from '../lib/storage-access.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'
import { createPhraseConfirm } from './phrase-confirm.ts'

export { WORDS_TO_CONFIRM } from './phrase-confirm.ts'

export type OnboardingStep = 'create' | 'phrase' | 'confirm' | 'storage' | 'done'

export interface OnboardingComponents {
  client: RpcClient
  storage: StorageAccess | undefined
  /** Called once the user leaves the last step (the vault is open by then). */
  onDone: () => void
  checkDelayMs?: number
}

/**
 * First run: choose a passphrase → see the 24 words → type three of them back
 * → ask the browser to keep the data. The phrase lives only in this model and
 * is dropped when onboarding ends. Typing the words back tells the node
 * (`vault.confirmRecoveryPhrase`); a tab closed before that leaves the vault
 * "unconfirmed", and the app reminds the user after the next unlock.
 */
export interface OnboardingModel {
  step: ReadonlySignal<OnboardingStep>
  form: NewPassphraseForm
  creating: ReadonlySignal<boolean>
  createError: ReadonlySignal<string | undefined>
  /** The recovery phrase, word by word (only between create and done). */
  words: ReadonlySignal<string[]>
  /** 1-based positions the user is asked to type back. */
  positions: ReadonlySignal<number[]>
  answers: ReadonlySignal<Record<number, string>>
  /** Positions typed wrongly on the last attempt. */
  wrongPositions: ReadonlySignal<number[]>
  confirmError: ReadonlySignal<string | undefined>
  persistence: ReadonlySignal<PersistenceState>
  /** True from the moment creation starts until the last step is left: the app keeps showing onboarding. */
  inProgress: ReadonlySignal<boolean>
  create: () => Promise<void>
  toConfirm: () => void
  backToPhrase: () => void
  setAnswer: (position: number, value: string) => void
  confirmWords: () => Promise<void>
  finish: () => void
}

export function createOnboardingModel (c: OnboardingComponents): OnboardingModel {
  const step = signal<OnboardingStep>('create')
  const form = createNewPassphraseForm(c.client, c.checkDelayMs)
  const creating = signal(false)
  const createError = signal<string | undefined>(undefined)
  const words = signal<string[]>([])
  const confirm = createPhraseConfirm()
  const persistence = signal<PersistenceState>('unknown')

  return {
    step,
    form,
    creating,
    createError,
    words,
    positions: confirm.positions,
    answers: confirm.answers,
    wrongPositions: confirm.wrongPositions,
    confirmError: confirm.error,
    persistence,
    inProgress: computed(() => creating.value || step.value === 'phrase' || step.value === 'confirm' || step.value === 'storage'),
    create: async () => {
      if (!form.ready.value || creating.value) return
      creating.value = true
      createError.value = undefined
      try {
        const { recoveryPhrase } = await c.client.call('vault.create', { passphrase: form.passphrase.value })
        words.value = recoveryPhrase.trim().split(/\s+/)
        form.clear()
        step.value = 'phrase'
      } catch (err) {
        createError.value = errorMessage(err)
      } finally {
        creating.value = false
      }
    },
    toConfirm: () => {
      confirm.start(words.value.length)
      step.value = 'confirm'
    },
    backToPhrase: () => {
      confirm.start(words.value.length)
      step.value = 'phrase'
    },
    setAnswer: confirm.setAnswer,
    confirmWords: async () => {
      if (!confirm.check(words.value)) return
      // Switch step before awaiting the browser, so the page never shows the
      // confirm step's Continue button while the request is pending. The
      // request itself still runs inside this click (some browsers prompt).
      step.value = 'storage'
      persistence.value = 'asking'
      // Sent first, not awaited first, so the persistence request stays in the click.
      // A failure only means the app reminds the user later (VaultStatus.recoveryPhraseUnconfirmed).
      const confirmed = c.client.call('vault.confirmRecoveryPhrase', undefined).catch(() => undefined)
      persistence.value = await requestPersistence(c.storage)
      await confirmed
    },
    finish: () => {
      words.value = []
      confirm.clear()
      step.value = 'done'
      c.onDone()
    }
  }
}
