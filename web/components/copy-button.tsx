import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { copyText } from '../lib/clipboard.ts'

export interface CopyButtonProps {
  /** Called at click time, so the text is never kept in the DOM longer than needed. */
  text: () => string
  /** The button's visible text; "Copy" unless told. */
  label?: string
  /** A fuller accessible name when several Copy buttons share a page ("Copy peer ID"); it should start with the visible text. */
  name?: string
  /** The compact size, for a button beside a line of text. */
  small?: boolean
  /** Told whether the copy worked (a toast says so where the button's own note is easy to miss). */
  onCopied?: (ok: boolean) => void
}

/** Copies text to the clipboard and says whether it worked, beside the button (the name stays the same). */
export function CopyButton ({ text, label = 'Copy', name, small = false, onCopied }: CopyButtonProps) {
  const outcome = useSignal<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (outcome.value === 'idle') return
    const timer = setTimeout(() => { outcome.value = 'idle' }, 2500)
    return () => { clearTimeout(timer) }
  }, [outcome.value])
  return (
    <span class='copy'>
      <button type='button' class={small ? 'secondary small' : 'secondary'} aria-label={name} onClick={async () => { const ok = await copyText(text()); outcome.value = ok ? 'copied' : 'failed'; onCopied?.(ok) }}>
        {label}
      </button>
      <span role='status' class='copy-status'>
        {outcome.value === 'copied' && 'Copied to the clipboard'}
        {outcome.value === 'failed' && "Couldn't copy — select the text instead"}
      </span>
    </span>
  )
}
