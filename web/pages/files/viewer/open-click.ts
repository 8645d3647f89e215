/**
 * A plain click on a file's link opens the viewer; a click with a modifier
 * (new tab, new window) is left to the browser, which opens the inline
 * preview the link points at.
 */
export function openOnPlainClick (event: MouseEvent, open: () => void): void {
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return
  event.preventDefault()
  open()
}
