import type { FileInfo } from '../../../core/rpc/api.ts'
import { useModels } from '../../app-context.ts'
import { baseName, folderOf, formatBytes, formatDate } from '../../format.ts'
import { downloadUrl } from '../../../core/rpc/service-worker-urls.ts'

/** One file: its name (with folder) and where it is stored, size, date, type, and Download / Share / Rename / Delete. */
export function FileRow ({ file }: { file: FileInfo }) {
  const { files, shares, versions } = useModels()
  const folder = folderOf(file.path)
  return (
    <tr>
      <td class='col-name'>
        <span class='file-name' title={file.path}>
          {folder !== '' && <span class='folder'>{folder}</span>}
          <span class='base'>{baseName(file.path)}</span>
        </span>
        <span class='badge-list where'>
          <span class='visually-hidden'>Stored on: </span>
          {file.health === 'damaged'
            ? <span class='badge badge-offline'>Damaged on this device</span>
            : <span class='badge'>This device</span>}
          {file.health === 'repaired' && <span class='badge badge-warn'>Repaired</span>}
          {file.onBackup === true && <span class='badge badge-backup'>Backup peer</span>}
        </span>
      </td>
      <td class='col-size'>{formatBytes(file.size)}</td>
      <td class='col-date'>{formatDate(file.mtime)}</td>
      <td class='col-type' title={file.type}>{file.type === '' ? '—' : file.type}</td>
      <td class='col-actions'>
        <div class='row-actions'>
          {/* A plain link: the `download` attribute would bypass the service worker that streams the file. */}
          <a class='button-link' href={downloadUrl(file.fileId)} aria-label={`Download ${file.path}`}>Download</a>
          <button type='button' class='secondary small' aria-label={`Share ${file.path}`} onClick={() => { shares.startShare(file) }}>Share</button>
          <button type='button' class='secondary small' aria-label={`Versions of ${file.path}`} onClick={() => { void versions.open(file) }}>Versions</button>
          <button type='button' class='secondary small' onClick={() => { files.startRename(file) }}>Rename</button>
          <button type='button' class='danger-quiet small' onClick={() => { files.startDelete(file) }}>Delete</button>
        </div>
      </td>
    </tr>
  )
}
