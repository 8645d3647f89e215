/** Words in a recovery phrase (BIP-39, 24 words: core/crypto's mnemonic). */
export const PHRASE_WORDS = 24

/** The words of a typed or pasted phrase, split and lower-cased as the node does (spaces, new lines or commas between). */
export function phraseWords (text: string): string[] {
  return text.normalize('NFKD').toLowerCase().split(/[\s,]+/u).filter(word => word !== '')
}

/** How many words the text holds, however they are spaced or split across lines. */
export function countWords (text: string): number {
  return phraseWords(text).length
}

/**
 * What the Restore form says under the phrase before Submit: how many words
 * are still missing, or too many, or that all are there.
 */
export function phraseCountWords (text: string, expected = PHRASE_WORDS): string {
  const count = countWords(text)
  if (count === 0) return `${expected} words, in order, separated by spaces or new lines.`
  if (count < expected) {
    const missing = expected - count
    return `${count} of ${expected} words — ${missing} ${missing === 1 ? 'word' : 'words'} still missing.`
  }
  if (count > expected) {
    const extra = count - expected
    return `${count} words — ${extra} too many; a recovery phrase has ${expected}.`
  }
  return `All ${expected} words are there.`
}

/** A word of the phrase that is not in the recovery word list; `position` counts from 1. */
export interface UnknownWord {
  position: number
  word: string
}

/**
 * The first word not in `known`. `finishedOnly`: leave out the last word while
 * it may still be being typed (no space or new line after it yet).
 */
export function firstUnknownWord (text: string, known: ReadonlySet<string>, finishedOnly = false): UnknownWord | undefined {
  const words = phraseWords(text)
  const checked = finishedOnly && !/[\s,]$/u.test(text) ? words.slice(0, -1) : words
  const index = checked.findIndex(word => !known.has(word))
  return index === -1 ? undefined : { position: index + 1, word: checked[index] ?? '' }
}
