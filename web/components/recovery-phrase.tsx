import { CopyButton } from './copy-button.tsx'

/**
 * The 24 words as a numbered grid. The list's text content is the words
 * separated by single spaces, in order (the numbers are CSS counters, not
 * text), so `data-testid="recovery-phrase"` reads back as the phrase.
 */
export function RecoveryPhrase ({ words }: { words: readonly string[] }) {
  return (
    <div class='phrase'>
      <ol class='phrase-grid' data-testid='recovery-phrase'>
        {words.map((word, i) => (
          <li key={i}>{word}{i < words.length - 1 ? ' ' : ''}</li>
        ))}
      </ol>
      <CopyButton text={() => words.join(' ')} />
    </div>
  )
}
