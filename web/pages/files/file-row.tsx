import type { FileInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { baseName, folderOf, formatBytes, formatDate } from '../../format.ts'
import { downloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { isConcurrentEdit, isConflict } from '../../models/conflict-model.ts'
import { locationLabels } from '../../models/file-locations-model.ts'
import { RowMenu } from './row-menu.tsx'
import { Thumbnail } from './thumbnail.tsx'
import { openOnPlainClick } from './viewer/open-click.ts'

/** One file: its name (with folder) and where it lives, size, date, type, and Download / Share / Rename / Delete / More. */
export function FileRow ({ file }: { file: FileInfo }) {
  const { files, shares, versions, fileLocations, viewer } = useModels()
  const folder = folderOf(file.path)
  const location = fileLocations.locations.value[file.fileId]
  const conflict = isConflict(file)
  const isCopy = isConcurrentEdit(file)
  return (
    <tr>
      <td class='col-name'>
        <span class='name-with-thumb'>
          <Thumbnail file={file} />
          {/* A link to the inline preview (for a new tab); a plain click opens the viewer here. */}
          <a class='name-open file-name' href={downloadUrl(file.fileId, file.versionId, true)} title={file.path} onClick={(e) => { openOnPlainClick(e, () => { viewer.open(file, files.visible.peek()) }) }}>
            {folder !== '' && <span class='folder'>{folder}</span>}
            <span class='base'>{baseName(file.path)}</span>
          </a>
        </span>
        <span class='badge-list where'>
          {conflict && <span class='badge badge-warn'>Conflict</span>}
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
      </td>
      <td class='col-size'>{formatBytes(file.size)}</td>
      <td class='col-date'>{formatDate(file.mtime)}</td>
      <td class='col-type' title={file.type}>{file.type === '' ? '—' : file.type}</td>
      <td class='col-actions'>
        <div class='row-actions'>
          {/* A plain link: the `download` attribute would bypass the service worker that streams the file. */}
          <a class='button-link' href={downloadUrl(file.fileId, file.versionId)} aria-label={`Download ${file.path}`}>Download</a>
          {/* A concurrent edit shares its file's id: these would act on the file, so its way out is Resolve…. */}
          {!isCopy && (
            <>
              <button type='button' class='secondary small' aria-label={`Share ${file.path}`} onClick={() => { shares.startShare(file) }}>Share</button>
              <button type='button' class='secondary small' aria-label={`Versions of ${file.path}`} onClick={() => { void versions.open(file) }}>Versions</button>
              <button type='button' class='secondary small' onClick={() => { files.startRename(file) }}>Rename</button>
              <button type='button' class='danger-quiet small' onClick={() => { files.startDelete(file) }}>Delete</button>
            </>
          )}
          <RowMenu file={file} location={location} conflict={conflict} />
        </div>
      </td>
    </tr>
  )
}
