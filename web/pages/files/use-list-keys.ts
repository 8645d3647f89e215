import { useEffect } from 'preact/hooks'
import type { FilesModel } from '../../models/files-model.ts'

/** True while the user types somewhere: then no shortcut fires. */
function typing (target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)
}

/**
 * The file list's keys (listed by the "?" dialog): `/` search, arrows move
 * the row focus, Enter opens, Delete asks to delete, Ctrl+A selects all,
 * Escape clears the selection. Never while typing, nor under a dialog or menu.
 */
export function useListKeys (files: FilesModel, search: () => HTMLInputElement | null): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || typing(e.target) || document.querySelector('dialog[open]') !== null) return
      if (document.activeElement?.closest('.row-menu-popup') != null) return
      const { browse } = files
      const rows = browse.rows.value
      const focus = browse.focusIndex.value
      const plain = !e.ctrlKey && !e.metaKey && !e.altKey
      if (e.key === '/' && plain) {
        e.preventDefault()
        search()?.focus()
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && plain && rows.length > 0) {
        e.preventDefault()
        browse.setFocus(e.key === 'ArrowDown' ? Math.min(rows.length - 1, focus + 1) : Math.max(0, focus - 1))
      } else if (e.key === 'Enter' && plain && focus >= 0) {
        // On a button or link Enter already presses it.
        if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement) return
        const row = rows[focus]
        if (row !== undefined) { e.preventDefault(); browse.open(row) }
      } else if (e.key === 'Delete' && plain) {
        const chosen = browse.selected.value.length > 0 ? browse.selected.value : rows.slice(Math.max(focus, 0), focus >= 0 ? focus + 1 : 0)
        if (chosen.length === 0) return
        e.preventDefault()
        const only = chosen.length === 1 ? chosen[0] : undefined
        if (only?.kind === 'file') files.startDelete(only.file)
        else browse.startDeleteMany(chosen)
      } else if (e.key.toLowerCase() === 'a' && (e.ctrlKey || e.metaKey) && !e.altKey && rows.length > 0) {
        e.preventDefault()
        if (browse.selected.value.length !== rows.length) browse.selectAll()
      } else if (e.key === '?' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault()
        browse.showShortcuts(true)
      } else if (e.key === 'Escape' && browse.selected.value.length > 0) {
        browse.clearSelection()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => { window.removeEventListener('keydown', onKey) }
  }, [files])
}
