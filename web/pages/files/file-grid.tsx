import { downloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { useModels } from '../../app-context.ts'
import { formatBytes } from '../../format.ts'
import { fileKind } from '../../models/file-kind.ts'
import { Thumbnail } from './thumbnail.tsx'
import { openOnPlainClick } from './viewer/open-click.ts'

/**
 * The folder's rows (or the search results) as a grid: a folder card walks
 * in, a file card shows its thumbnail (or its kind) and opens the viewer.
 */
export function FileGrid () {
  const { files } = useModels()
  const { browse } = files
  const rows = browse.rows.value
  return (
    <ul class='file-grid' aria-label='Files'>
      {rows.map(row => (
        <li key={row.key}>
          {row.kind === 'folder'
            ? (
              <button type='button' class='card-open card-folder' title={row.path} onClick={() => { browse.open(row) }}>
                <span class='thumb thumb-grid' aria-hidden='true'>Folder</span>
                <span class='card-name'>{row.name}</span>
                <span class='card-meta'>Folder</span>
              </button>
              )
            : (
              <a class='card-open' href={downloadUrl(row.file.fileId, row.file.versionId, true)} title={row.path} onClick={(e) => { openOnPlainClick(e, () => { browse.open(row) }) }}>
                <Thumbnail file={row.file} size='grid' />
                <span class='card-name'>{row.name}</span>
                <span class='card-meta'>{fileKind(row.name, row.file.type)} · {formatBytes(row.file.size)}</span>
              </a>
              )}
        </li>
      ))}
    </ul>
  )
}
