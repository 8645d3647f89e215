import type { ComponentChildren } from 'preact'
import { CopyButton } from './copy-button.tsx'

/**
 * The 24 words as a numbered grid. The list's text content is the words
 * separated by single spaces, in order (the numbers are CSS counters, not
 * text), so `data-testid="recovery-phrase"` reads back as the phrase.
 */
export function RecoveryPhrase ({ words, children }: { words: readonly string[], children?: ComponentChildren }) {
  return (
    <div class='phrase'>
      <ol class='phrase-grid' data-testid='recovery-phrase'>
        {words.map((word, i) => (
          <li key={i}>{word}{i < words.length - 1 ? ' ' : ''}</li>
        ))}
      </ol>
      <div class='actions'>
        <CopyButton text={() => words.join(' ')} />
        {children}
      </div>
    </div>
  )
}
