/** Words in a recovery phrase (BIP-39, 24 words: core/crypto's mnemonic). */
export const PHRASE_WORDS = 24

/** How many words the text holds, however they are spaced or split across lines. */
export function countWords (text: string): number {
  const trimmed = text.trim()
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length
}

/**
 * What the Restore form says under the phrase before Submit: how many words
 * are still missing, or too many, or that all are there. The words themselves
 * are checked by the node (a wrong word is refused there, with its own words).
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
