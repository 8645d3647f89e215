import type { FileInfo, FileLocation } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { folderOf } from '../../format.ts'
import { keepKey } from '../../models/file-locations-model.ts'
import { isConcurrentEdit } from '../../models/conflict-model.ts'

export interface RowMenuProps {
  file: FileInfo
  location: FileLocation | undefined
  conflict: boolean
}

/**
 * A row's "More" menu (a disclosure, so it needs no script to open): "Keep
 * on this device" for the file and its folder, and "Resolve…" on a conflict copy.
 */
export function RowMenu ({ file, location: where, conflict }: RowMenuProps) {
  // A concurrent edit shares its file's id: "Keep" would keep the file, so only Resolve… is offered.
  const location = isConcurrentEdit(file) ? undefined : where
  const { fileLocations, conflicts } = useModels()
  const folder = folderOf(file.path).replace(/\/$/, '')
  const folderKept = folder !== '' && fileLocations.keptFolders.value.has(folder)
  const busy = fileLocations.keepBusy.value
  const viaFolder = location?.keptFolder
  const fileKept = location?.keep === true && viaFolder === undefined
  // Until the node says where the file lives (and for files in no conflict) there is nothing to offer.
  if (location === undefined && !conflict) return null
  return (
    <details class='row-menu'>
      <summary class='button-link' aria-label={`More for ${file.path}`}>More</summary>
      <div class='menu'>
        {conflict && (
          <button type='button' class='secondary small' onClick={() => { conflicts.open(file) }}>Resolve…</button>
        )}
        {location !== undefined && (
          <button
            type='button'
            class='secondary small'
            aria-pressed={location.keep}
            disabled={busy !== undefined || viaFolder !== undefined}
            title={viaFolder !== undefined ? `Kept because the folder “${viaFolder}” is kept on this device` : undefined}
            onClick={() => { void fileLocations.keep({ fileId: file.fileId }, !fileKept) }}
          >
            Keep on this device
          </button>
        )}
        {location !== undefined && folder !== '' && (
          <button
            type='button'
            class='secondary small'
            aria-pressed={folderKept}
            disabled={busy !== undefined}
            onClick={() => { void fileLocations.keep({ folder }, !folderKept) }}
          >
            Keep folder “{folder}” on this device
          </button>
        )}
        {busy !== undefined && (busy === keepKey({ fileId: file.fileId }) || busy === keepKey({ folder })) && (
          <span role='status' class='busy small'><span class='spinner' aria-hidden='true' />Saving…</span>
        )}
      </div>
    </details>
  )
}
