import { computed, signal, type ReadonlySignal } from '@preact/signals'
import type { RpcClient } from '../../core/rpc/api.ts'
import { errorMessage } from '../error-messages.ts'
import { randomPositions } from '../lib/random-positions.ts'
import { requestPersistence, type PersistenceState, type StorageAccess } from '../lib/storage-access.ts'
import { createNewPassphraseForm, type NewPassphraseForm } from './new-passphrase-form.ts'

/** How many words the user types back to show they wrote the phrase down. */
export const WORDS_TO_CONFIRM = 3

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
 * is dropped when onboarding ends.
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
  const positions = signal<number[]>([])
  const answers = signal<Record<number, string>>({})
  const wrongPositions = signal<number[]>([])
  const persistence = signal<PersistenceState>('unknown')

  return {
    step,
    form,
    creating,
    createError,
    words,
    positions,
    answers,
    wrongPositions,
    confirmError: computed(() => describeWrong(wrongPositions.value)),
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
      positions.value = randomPositions(WORDS_TO_CONFIRM, words.value.length)
      answers.value = {}
      wrongPositions.value = []
      step.value = 'confirm'
    },
    backToPhrase: () => {
      wrongPositions.value = []
      step.value = 'phrase'
    },
    setAnswer: (position, value) => {
      answers.value = { ...answers.value, [position]: value }
      if (wrongPositions.value.includes(position)) wrongPositions.value = wrongPositions.value.filter(p => p !== position)
    },
    confirmWords: async () => {
      const wrong = positions.value.filter(p => normalise(answers.value[p] ?? '') !== normalise(words.value[p - 1] ?? ''))
      wrongPositions.value = wrong
      if (wrong.length > 0) return
      // Switch step before awaiting the browser, so the page never shows the
      // confirm step's Continue button while the request is pending. The
      // request itself still runs inside this click (some browsers prompt).
      step.value = 'storage'
      persistence.value = 'asking'
      persistence.value = await requestPersistence(c.storage)
    },
    finish: () => {
      words.value = []
      answers.value = {}
      positions.value = []
      step.value = 'done'
      c.onDone()
    }
  }
}

function normalise (word: string): string {
  return word.trim().toLowerCase()
}

function describeWrong (wrong: number[]): string | undefined {
  if (wrong.length === 0) return undefined
  const list = wrong.map(p => `word ${p}`)
  const named = list.length === 1 ? list[0] ?? '' : `${list.slice(0, -1).join(', ')} and ${list.at(-1) ?? ''}`
  const sentence = named.charAt(0).toUpperCase() + named.slice(1)
  return `${sentence} ${wrong.length === 1 ? "doesn't" : "don't"} match your recovery phrase. Check what you wrote down.`
}
