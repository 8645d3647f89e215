import { computed, signal, type ReadonlySignal } from '@preact/signals'
import { errorCodeOf, errorMessage, RECOVERY_PHRASE_CHECKSUM, recoveryWordCountMessage, unknownRecoveryWordMessage } from '../error-messages.ts'
import { loadRecoveryWords } from '../lib/recovery-words.ts'
import { countWords, firstUnknownWord, PHRASE_WORDS, phraseCountWords } from './phrase-word-count.ts'

/** Where the recovery word list comes from (tests give their own). */
export type RecoveryWordsLoader = () => Promise<ReadonlySet<string> | undefined>

/**
 * The recovery-phrase field of "Restore a vault" and "Forgot passphrase":
 * what was typed, a live hint under it (the word count, or the first finished
 * word that is not a recovery word), and the check before sending it that
 * names a mistyped word and its position.
 */
export interface PhraseField {
  text: ReadonlySignal<string>
  /** Under the field while typing. */
  hint: ReadonlySignal<string>
  set: (value: string) => void
  /** What is wrong with the phrase as the page can tell (an unknown word, the count), or undefined: send it. */
  check: () => Promise<string | undefined>
  /** Words for the node's refusal of a phrase that passed `check` (a BAD_RECOVERY_PHRASE then is its checksum). */
  refusal: (err: unknown) => string
  clear: () => void
}

export function createPhraseField (load: RecoveryWordsLoader = loadRecoveryWords): PhraseField {
  const text = signal('')
  const known = signal<ReadonlySet<string> | undefined>(undefined)
  let checked = false
  const fetchWords = async (): Promise<ReadonlySet<string> | undefined> => {
    known.value ??= await load()
    return known.value
  }
  return {
    text,
    hint: computed(() => {
      const list = known.value
      const unknown = list !== undefined ? firstUnknownWord(text.value, list, true) : undefined
      return unknown !== undefined ? unknownRecoveryWordMessage(unknown.position, unknown.word) : phraseCountWords(text.value)
    }),
    set: (value) => {
      text.value = value
      // The list arrives while the first words are typed; a failure leaves the count alone.
      if (known.peek() === undefined && value.trim() !== '') void fetchWords()
    },
    check: async () => {
      checked = false
      const list = await fetchWords()
      if (list === undefined) return undefined
      const unknown = firstUnknownWord(text.value, list)
      if (unknown !== undefined) return unknownRecoveryWordMessage(unknown.position, unknown.word)
      const count = countWords(text.value)
      if (count !== PHRASE_WORDS) return recoveryWordCountMessage(count, PHRASE_WORDS)
      checked = true
      return undefined
    },
    refusal: (err) => checked && errorCodeOf(err) === 'BAD_RECOVERY_PHRASE' ? RECOVERY_PHRASE_CHECKSUM : errorMessage(err),
    clear: () => { text.value = '' }
  }
}
