import { formatBytes } from '../format.ts'
import { shareDownloadUrl } from '../../core/rpc/service-worker-urls.ts'
import type { SharedFolderFile } from '../../core/rpc/share-messages.ts'

/** A shared folder's files, each downloadable on its own through the service worker; `onDownload` runs on each Download. */
export function SharedFolder ({ files, token, onDownload }: { files: SharedFolderFile[], token: string, onDownload: () => void }) {
  const total = files.reduce((sum, f) => sum + f.size, 0)
  return (
    <section class='stack' aria-label='Files in this folder'>
      <p class='hint'>{files.length === 1 ? '1 file' : `${files.length} files`}, {formatBytes(total)} in all. A snapshot: files the sender adds later are not in it.</p>
      <table class='shared-folder'>
        <thead><tr><th scope='col'>File</th><th scope='col'>Size</th><th scope='col'><span class='visually-hidden'>Download</span></th></tr></thead>
        <tbody>
          {files.map((file, index) => (
            <tr key={file.path}>
              <td class='name'>{file.path}</td>
              <td>{formatBytes(file.size)}</td>
              <td><a class='button-link' href={shareDownloadUrl(token, false, index)} aria-label={`Download ${file.path}`} onClick={onDownload}>Download</a></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
