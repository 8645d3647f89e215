import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef } from 'preact/hooks'

export interface DialogProps {
  title: string
  /** Escape or the close control; the owner decides (its model holds whether the dialog is open). */
  onCancel: () => void
  children: ComponentChildren
}

/**
 * A modal dialog on the native <dialog> element: the browser traps focus,
 * makes the page behind inert and gives it role="dialog". Render it to open
 * it; stop rendering it to close it.
 */
export function Dialog ({ title, onCancel, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    if (!dialog.open) dialog.showModal()
    return () => { if (dialog.open) dialog.close() }
  }, [])
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
