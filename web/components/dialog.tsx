import type { ComponentChildren } from 'preact'
import { useId, useRef } from 'preact/hooks'
import { useModal } from './use-modal.ts'

export interface DialogProps {
  title: string
  /** Escape or the close control; the owner decides (its model holds whether the dialog is open). */
  onCancel: () => void
  children: ComponentChildren
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus,
 * makes the page behind inert and gives it role="dialog". Render it to open
 * it; stop rendering it to close it (focus goes back to what opened it).
 */
export function Dialog ({ title, onCancel, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useModal(ref)
  return (
    <dialog
      ref={ref}
      class='dialog'
      aria-labelledby={titleId}
      onCancel={(e) => { e.preventDefault(); onCancel() }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  )
}
