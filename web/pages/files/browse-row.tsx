import type { ComponentChildren } from 'preact'
import { useModels } from '../../app-context.ts'
import { formatBytes, formatDate } from '../../format.ts'
import type { BrowseRow } from '../../models/browse-rows.ts'
import { rowFolder } from '../../models/browse-rows.ts'
import { isConflict } from '../../models/conflict-model.ts'
import { locationLabels } from '../../models/file-locations-model.ts'
import { fileKind } from '../../models/file-kind.ts'
import { RowMenuButton } from './row-menu.tsx'
import { Thumbnail } from './thumbnail.tsx'
import { endRowDrag, folderDropTarget, startRowDrag } from './row-drag.ts'

export interface BrowseRowProps {
  row: BrowseRow
  index: number
  /** 1-based position among all rows (the list is virtualised: not every row is in the page). */
  position: number
  focused: boolean
  /**
   * What fills the leading cell (an icon now; a thumbnail where the viewer
   * adds one). Defaults to the kind's icon.
   */
  leading?: (row: BrowseRow) => ComponentChildren
}

/**
 * One row of the file browser: select, the leading icon, the name (its
 * primary action opens: a folder is walked into, a file opened), size,
 * date, kind, and the "⋯" menu. Rows drag onto folders; folder rows take drops.
 */
export function BrowseRowView ({ row, index, position, focused, leading }: BrowseRowProps) {
  const { files } = useModels()
  const { browse } = files
  const selected = browse.selection.value.keys.has(row.key)
  const searching = browse.searching.value
  const folder = rowFolder(row)
  const kind = row.kind === 'folder' ? 'Folder' : fileKind(row.name, row.file.type)
  return (
    <tr
      class={`browse-row${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}`}
      aria-selected={selected}
      aria-rowindex={position + 1}
      data-index={index}
      draggable
      onDragStart={(e) => { startRowDrag(e, row, browse) }}
      onDragEnd={endRowDrag}
      {...(row.kind === 'folder' ? folderDropTarget(row.path, browse) : {})}
    >
      <td class='col-select'>
        <input
          type='checkbox'
          checked={selected}
          aria-label={`Select ${row.name}`}
          onClick={(e) => { browse.select(row.key, e.shiftKey) }}
        />
      </td>
      <td class='col-leading' aria-hidden='true'>{leading !== undefined ? leading(row) : row.kind === 'file' ? <Thumbnail file={row.file} fallback={<KindIcon kind={kind} />} /> : <KindIcon kind={kind} />}</td>
      <td class='col-name'>
        <div class='name-line'>
          <button
            type='button'
            class='row-open'
            title={row.path}
            onClick={() => { browse.setFocus(index); browse.open(row) }}
            onFocus={() => { if (!focused) browse.setFocus(index) }}
          >
            <span class='row-open-text'>{row.name}</span>
          </button>
          {searching && <span class='row-folder'>in {folder === '' ? 'All files' : folder}</span>}
          {row.kind === 'file' && <FileBadges row={row} />}
        </div>
      </td>
      <td class='col-size'>{row.kind === 'folder' ? (searching ? '' : `${row.count} ${row.count === 1 ? 'file' : 'files'}`) : formatBytes(row.file.size)}</td>
      <td class='col-date'>{row.kind === 'folder' ? (row.mtime > 0 ? formatDate(row.mtime) : '') : formatDate(row.file.mtime)}</td>
      <td class='col-type' title={row.kind === 'file' && row.file.type !== '' ? row.file.type : undefined}>{kind}</td>
      <td class='col-actions'><RowMenuButton row={row} /></td>
    </tr>
  )
}

const ICONS: Record<string, string> = { Folder: '📁', Image: '🖼', PDF: '📄', Video: '🎞', Audio: '🎵', Text: '📝', Archive: '🗜', Document: '📄', Spreadsheet: '📊', File: '📄' }

function KindIcon ({ kind }: { kind: string }) {
  return <span class={`kind-icon kind-${kind.toLowerCase()}`}>{ICONS[kind] ?? '📄'}</span>
}

/** Where the file lives, and its state: as the list showed it before. */
function FileBadges ({ row }: { row: Extract<BrowseRow, { kind: 'file' }> }) {
  const { fileLocations } = useModels()
  const file = row.file
  const location = fileLocations.locations.value[file.fileId]
  return (
    <span class='badge-list where'>
      {isConflict(file) && <span class='badge badge-warn'>Conflict</span>}
      <span class='visually-hidden'>Stored on: </span>
      {file.health === 'damaged' && <span class='badge badge-offline'>Damaged on this device</span>}
      {location !== undefined
        ? locationLabels(location)
          .filter(label => file.health !== 'damaged' || label !== 'On this device')
          .map(label => <span key={label} class={label === 'On this device' ? 'badge' : 'badge badge-backup'}>{label}</span>)
        : (
          <>
            {file.health !== 'damaged' && <span class='badge'>This device</span>}
            {file.onBackup === true && <span class='badge badge-backup'>Backup peer</span>}
          </>
          )}
      {file.health === 'repaired' && <span class='badge badge-warn'>Repaired</span>}
      {location?.keep === true && <span class='badge'>Kept on this device</span>}
    </span>
  )
}
