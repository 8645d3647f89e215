import { downloadUrl } from '../../../core/rpc/service-worker-urls.ts'
import { useModels } from '../../app-context.ts'
import { baseName, formatBytes } from '../../format.ts'
import { rowKey } from '../../models/conflict-model.ts'
import { Thumbnail } from './thumbnail.tsx'
import { openOnPlainClick } from './viewer/open-click.ts'
import { fileKind } from './viewer/file-kind.ts'

/** The files as a grid of thumbnails (or kind boxes); a card opens the file in the viewer. */
export function FileGrid () {
  const { files, viewer } = useModels()
  const visible = files.visible.value
  return (
    <ul class='file-grid' aria-label='Files'>
      {visible.map(file => (
        <li key={rowKey(file)}>
          <a class='card-open' href={downloadUrl(file.fileId, file.versionId, true)} title={file.path} onClick={(e) => { openOnPlainClick(e, () => { viewer.open(file, visible) }) }}>
            <Thumbnail file={file} size='grid' />
            <span class='card-name'>{baseName(file.path)}</span>
            <span class='card-meta'>{fileKind(file.type)} · {formatBytes(file.size)}</span>
          </a>
        </li>
      ))}
    </ul>
  )
}
