import { useModels } from '../../app-context.ts'
import { bulkShareSelection } from '../../models/bulk-share.ts'

/** With rows selected: how many, and what can be done to all of them at once. */
export function BulkBar () {
  const { files, shares, toasts } = useModels()
  const { browse } = files
  const selected = browse.selected.value
  if (selected.length === 0) return null
  const only = selected.length === 1 ? selected[0] : undefined
  // One file keeps its own link; a folder or several rows become one folder-style link of exactly their files.
  const many = only?.kind === 'file' ? undefined : bulkShareSelection(selected, files.files.value, browse.folder.value, browse.searching.value)
  const share = only?.kind === 'file'
    ? () => { shares.startShare(only.file) }
    : only?.kind === 'folder'
      ? () => { void shares.shareFolder(only.path) }
      : many === undefined
        ? undefined
        : async () => {
          const error = await shares.shareFiles(many)
          if (error !== undefined) toasts.show({ tone: 'error', text: error })
        }
  return (
    <div class='bulk-bar' role='region' aria-label='Selection'>
      <span class='bulk-count' role='status'>{selected.length} selected</span>
      <a class='button-link' href={browse.zipUrl(selected)}>Download (zip)</a>
      <button type='button' class='secondary small' disabled={share === undefined || shares.folderBusy.value} title={share === undefined ? 'The selected folders hold no files to share.' : undefined} onClick={share === undefined ? undefined : () => { void share() }}>Share</button>
      <button type='button' class='secondary small' onClick={() => { browse.startMove(selected) }}>Move to…</button>
      <button type='button' class='danger-quiet small' onClick={() => { browse.startDeleteMany(selected) }}>Delete</button>
      <button type='button' class='secondary small' onClick={browse.clearSelection}>Clear selection</button>
    </div>
  )
}
