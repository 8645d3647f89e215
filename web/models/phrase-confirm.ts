import { computed, signal, type ReadonlySignal } from '@preact/signals'
import { randomPositions } from '../lib/random-positions.ts'

/** How many words the user types back to show they wrote the phrase down. */
export const WORDS_TO_CONFIRM = 3

/**
 * "Type back three words of your recovery phrase", by position: onboarding's
 * confirm step and Settings → Show recovery phrase (a vault whose phrase was
 * never confirmed) both ask it.
 */
export interface PhraseConfirm {
  /** 1-based positions the user is asked to type back. */
  positions: ReadonlySignal<number[]>
  answers: ReadonlySignal<Record<number, string>>
  /** Positions typed wrongly on the last attempt. */
  wrongPositions: ReadonlySignal<number[]>
  error: ReadonlySignal<string | undefined>
  /** Picks new positions out of `wordCount` and forgets the answers. */
  start: (wordCount: number) => void
  setAnswer: (position: number, value: string) => void
  /** True when every asked word matches `words`; else marks the wrong ones. */
  check: (words: readonly string[]) => boolean
  clear: () => void
}

export function createPhraseConfirm (): PhraseConfirm {
  const positions = signal<number[]>([])
  const answers = signal<Record<number, string>>({})
  const wrongPositions = signal<number[]>([])
  return {
    positions,
    answers,
    wrongPositions,
    error: computed(() => describeWrong(wrongPositions.value)),
    start: (wordCount) => {
      positions.value = randomPositions(WORDS_TO_CONFIRM, wordCount)
      answers.value = {}
      wrongPositions.value = []
    },
    setAnswer: (position, value) => {
      answers.value = { ...answers.value, [position]: value }
      if (wrongPositions.value.includes(position)) wrongPositions.value = wrongPositions.value.filter(p => p !== position)
    },
    check: (words) => {
      const wrong = positions.value.filter(p => normalise(answers.value[p] ?? '') !== normalise(words[p - 1] ?? ''))
      wrongPositions.value = wrong
      return wrong.length === 0
    },
    clear: () => {
      positions.value = []
      answers.value = {}
      wrongPositions.value = []
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
