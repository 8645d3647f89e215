import { useModels } from '../../app-context.ts'
import type { SortKey } from '../../models/file-sort.ts'
import { FileRow } from './file-row.tsx'
import { rowKey } from '../../models/conflict-model.ts'

const COLUMNS: ReadonlyArray<{ key: SortKey, label: string, class: string }> = [
  { key: 'name', label: 'Name', class: 'col-name' },
  { key: 'size', label: 'Size', class: 'col-size' },
  { key: 'mtime', label: 'Modified', class: 'col-date' },
  { key: 'type', label: 'Type', class: 'col-type' }
]

/** The vault's files as a table; each header sorts by its column (again: the other direction). */
export function FileTable () {
  const { files } = useModels()
  const key = files.sortKey.value
  const direction = files.sortDirection.value
  return (
    <table class='files'>
      <thead>
        <tr>
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
      <tbody>
        {files.visible.value.map(file => <FileRow key={rowKey(file)} file={file} />)}
      </tbody>
    </table>
  )
}
