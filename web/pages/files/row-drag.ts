import type { BrowseModel } from '../../models/browse-model.ts'
import type { BrowseRow } from '../../models/browse-rows.ts'

/**
 * Dragging rows onto a folder (a folder row, a breadcrumb, a line of the
 * tree) moves them there. The rows being dragged are kept here: a dragover
 * cannot read the drag's data, and only this page starts such drags.
 */
const ROWS_TYPE = 'application/x-cairn-rows'
let dragged: BrowseRow[] | undefined

/** dragstart on a row: the selection when the row is in it, else the row alone. */
export function startRowDrag (e: DragEvent, row: BrowseRow, browse: BrowseModel): void {
  const selected = browse.selected.value
  dragged = selected.some(r => r.key === row.key) ? selected : [row]
  e.dataTransfer?.setData(ROWS_TYPE, String(dragged.length))
  // Text too, so the drag shows something sensible if it leaves the page.
  e.dataTransfer?.setData('text/plain', dragged.map(r => r.name).join('\n'))
  if (e.dataTransfer !== null) e.dataTransfer.effectAllowed = 'move'
}

export function endRowDrag (): void {
  dragged = undefined
}

/** Handlers that make an element a drop target for rows, moving them into `folder`. */
export function folderDropTarget (folder: string, browse: BrowseModel): Record<string, (e: DragEvent) => void> {
  const accepts = (e: DragEvent): boolean => dragged !== undefined && (e.dataTransfer?.types.includes(ROWS_TYPE) ?? false) &&
    !dragged.some(r => r.kind === 'folder' && r.path === folder)
  return {
    onDragOver: (e) => {
      if (!accepts(e)) return
      e.preventDefault()
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'move'
      ;(e.currentTarget as HTMLElement).classList.add('drop-target')
    },
    onDragLeave: (e) => { (e.currentTarget as HTMLElement).classList.remove('drop-target') },
    onDrop: (e) => {
      ;(e.currentTarget as HTMLElement).classList.remove('drop-target')
      if (!accepts(e) || dragged === undefined) return
      e.preventDefault()
      e.stopPropagation()
      const rows = dragged
      dragged = undefined
      void browse.moveRows(rows, folder)
    }
  }
}
