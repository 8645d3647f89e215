import { shortenMiddle } from '../lib/short-address.ts'
import { CopyButton } from './copy-button.tsx'

export interface ShortAddressProps {
  /** The whole address: the copy button copies it, the title and the screen reader get it. */
  text: string
  /** The copy button's accessible name ("Copy peer ID"); it starts with "Copy". */
  copyName: string
  head?: number
  tail?: number
  testId?: string
}

/** A long address shortened in the middle, the whole of it one click away on the clipboard. */
export function ShortAddress ({ text, copyName, head, tail, testId }: ShortAddressProps) {
  const short = shortenMiddle(text, head, tail)
  return (
    <span class='short-address'>
      {short === text
        ? <span class='mono' data-testid={testId}>{text}</span>
        : (
          <>
            {/* Seen: the shortened form; read and found (by a screen reader, by find-in-page): the whole. */}
            <span class='mono' title={text} aria-hidden='true'>{short}</span>
            <span class='visually-hidden' data-testid={testId}>{text}</span>
          </>
          )}
      <CopyButton text={() => text} name={copyName} small />
    </span>
  )
}
