import { useModels } from '../../app-context.ts'

/** With rows selected: how many, and what can be done to all of them at once. */
export function BulkBar () {
  const { files, shares } = useModels()
  const { browse } = files
  const selected = browse.selected.value
  if (selected.length === 0) return null
  const only = selected.length === 1 ? selected[0] : undefined
  // A link is for one file or one folder (a folder link is a snapshot of what is under it).
  const share = only === undefined
    ? undefined
    : only.kind === 'folder' ? () => { void shares.shareFolder(only.path) } : () => { shares.startShare(only.file) }
  return (
    <div class='bulk-bar' role='region' aria-label='Selection'>
      <span class='bulk-count' role='status'>{selected.length} selected</span>
      <a class='button-link' href={browse.zipUrl(selected)}>Download (zip)</a>
      <button type='button' class='secondary small' disabled={share === undefined} title={share === undefined ? 'Select one file or one folder to share it.' : undefined} onClick={share}>Share</button>
      <button type='button' class='secondary small' onClick={() => { browse.startMove(selected) }}>Move to…</button>
      <button type='button' class='danger-quiet small' onClick={() => { browse.startDeleteMany(selected) }}>Delete</button>
      <button type='button' class='secondary small' onClick={browse.clearSelection}>Clear selection</button>
    </div>
  )
}
