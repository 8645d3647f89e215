import { useEffect, useRef } from 'preact/hooks'
import { useModels } from '../../app-context.ts'
import type { SortKey } from '../../models/file-sort.ts'
import { BrowseRowView } from './browse-row.tsx'
import { useWindowRows } from './use-window-rows.ts'

const COLUMNS: ReadonlyArray<{ key: SortKey, label: string, class: string }> = [
  { key: 'name', label: 'Name', class: 'col-name' },
  { key: 'size', label: 'Size', class: 'col-size' },
  { key: 'mtime', label: 'Modified', class: 'col-date' },
  { key: 'type', label: 'Type', class: 'col-type' }
]

/**
 * The folder's rows (or the search results) as a table: a select-all box,
 * headers that sort (again: the other direction; folders stay first), and
 * only the rows near the screen in the page when there are many.
 */
export function FileTable () {
  const { files } = useModels()
  const { browse } = files
  const key = files.sortKey.value
  const direction = files.sortDirection.value
  const rows = browse.rows.value
  const selected = browse.selection.value.keys.size
  const focus = browse.focusIndex.value
  const body = useRef<HTMLTableSectionElement>(null)
  const { start, end, rowHeight, scrollToRow } = useWindowRows(rows.length, body)
  const allBox = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (allBox.current !== null) allBox.current.indeterminate = selected > 0 && selected < rows.length
  }, [selected, rows.length])

  // The arrow keys move the focus: bring that row on screen, then into focus.
  useEffect(() => {
    if (focus < 0) return
    scrollToRow(focus)
    requestAnimationFrame(() => {
      // The focus may have moved on since (keys pressed fast): focus where it is now.
      const now = browse.focusIndex.peek()
      if (now < 0) return
      const button = body.current?.querySelector<HTMLElement>(`tr[data-index="${now}"] .row-open`)
      if (button !== null && button !== undefined && document.activeElement !== button) button.focus()
    })
  }, [focus])

  return (
    <table class='files' aria-rowcount={rows.length + 1}>
      <thead>
        <tr aria-rowindex={1}>
          <th class='col-select' scope='col'>
            <input ref={allBox} type='checkbox' aria-label='Select all' checked={rows.length > 0 && selected === rows.length} onClick={browse.selectAll} />
          </th>
          <th class='col-leading' scope='col'><span class='visually-hidden'>Icon</span></th>
          {COLUMNS.map(col => (
            <th key={col.key} class={col.class} scope='col' aria-sort={key === col.key ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}>
              <button type='button' class='sort' aria-label={`Sort by ${col.label.toLowerCase()}`} onClick={() => { files.sortBy(col.key) }}>
                {col.label}
                <span class='sort-arrow' aria-hidden='true'>{key === col.key ? (direction === 'asc' ? '▲' : '▼') : ''}</span>
              </button>
            </th>
          ))}
          <th class='col-actions' scope='col'><span class='visually-hidden'>Actions</span></th>
        </tr>
      </thead>
      <tbody ref={body}>
        {start > 0 && <tr class='spacer' aria-hidden='true' style={{ height: `${start * rowHeight}px` }}><td colSpan={7} /></tr>}
        {rows.slice(start, end).map((row, i) => (
          <BrowseRowView key={row.key} row={row} index={start + i} position={start + i + 1} focused={focus === start + i} />
        ))}
        {end < rows.length && <tr class='spacer' aria-hidden='true' style={{ height: `${(rows.length - end) * rowHeight}px` }}><td colSpan={7} /></tr>}
      </tbody>
    </table>
  )
}
