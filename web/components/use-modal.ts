import type { RefObject } from 'preact'
import { useEffect } from 'preact/hooks'

/**
 * Opens a <dialog> as modal while the component is rendered, and on close
 * gives focus back to what had it when the dialog opened (the button that
 * opened it). The browser would do that itself on close(), but Preact takes
 * the element out of the page before an effect's cleanup runs, so focus fell
 * to the page's top and a keyboard user lost their place.
 */
export function useModal (ref: RefObject<HTMLDialogElement | null>): void {
  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    const active = document.activeElement
    const opener = active instanceof HTMLElement && active !== document.body ? active : undefined
    if (!dialog.open) dialog.showModal()
    return () => {
      if (dialog.open) dialog.close()
      // Only when focus went nowhere (a dialog opened in its place has it already).
      const now = document.activeElement
      if (opener?.isConnected === true && (now === null || now === document.body)) opener.focus({ preventScroll: true })
    }
  }, [])
}
