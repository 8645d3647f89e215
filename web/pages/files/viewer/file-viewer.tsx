import { useId, useRef } from 'preact/hooks'
import type { FileInfo } from '../../../../core/rpc/api.ts'
import { downloadUrl } from '../../../../core/rpc/service-worker-urls.ts'
import { useModels } from '../../../app-context.ts'
import { useModal } from '../../../components/use-modal.ts'
import { baseName, formatBytes, formatDate } from '../../../format.ts'
import { previewKind } from '../../../share/preview-kind.ts'
import { SharePreview } from '../../../share/share-preview.tsx'
import { rowKey } from '../../../models/conflict-model.ts'
import { fileKind } from '../../../models/file-kind.ts'
import './viewer.css'

/**
 * The file viewer: the open file's preview with next/previous, over the
 * Files page. Previews come from the download route with `?inline`, under the
 * same sandboxing CSP as the share page's (core/rpc/file-response-headers.ts):
 * images in <img> (an SVG's script never runs), text as text, PDFs in a
 * sandboxed frame. Esc closes; ← and → step through the files.
 */
export function FileViewer () {
  const { viewer } = useModels()
  const file = viewer.file.value
  if (file === undefined) return null
  return <ViewerDialog file={file} />
}

function ViewerDialog ({ file }: { file: FileInfo }) {
  const { viewer } = useModels()
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const position = viewer.position.value
  const many = position !== undefined && position.count > 1
  useModal(ref)
  const onKeyDown = (event: KeyboardEvent): void => {
    // Arrows inside a player or a field move the playhead or the caret, not the viewer.
    const target = event.target as HTMLElement | null
    if (target?.closest('video, audio, input, textarea') != null) return
    if (event.key === 'ArrowRight') { event.preventDefault(); viewer.next() }
    if (event.key === 'ArrowLeft') { event.preventDefault(); viewer.previous() }
  }
  const name = baseName(file.path)
  return (
    <dialog
      ref={ref}
      class='dialog viewer'
      aria-labelledby={titleId}
      onCancel={(e) => { e.preventDefault(); viewer.close() }}
      onKeyDown={onKeyDown}
    >
      <div class='viewer-head'>
        <h2 id={titleId} title={file.path}>{name}</h2>
        {position !== undefined && many && <span class='muted viewer-count'>{position.index + 1} of {position.count}</span>}
        <a class='button-link' href={downloadUrl(file.fileId, file.versionId)} aria-label={`Download ${name}`}>Download</a>
        <button type='button' class='secondary small' onClick={() => { viewer.close() }}>Close</button>
      </div>
      <div class='viewer-body'>
        <Preview key={rowKey(file)} file={file} />
      </div>
      {many && (
        <div class='viewer-nav'>
          <button type='button' class='secondary' onClick={() => { viewer.previous() }}>← Previous</button>
          <button type='button' class='secondary' onClick={() => { viewer.next() }}>Next →</button>
        </div>
      )}
    </dialog>
  )
}

function Preview ({ file }: { file: FileInfo }) {
  const meta = { name: baseName(file.path), size: file.size, type: file.type }
  if (previewKind(meta) === undefined) return <NoPreview file={file} />
  return <SharePreview meta={meta} url={downloadUrl(file.fileId, file.versionId, true)} />
}

/** A file Cairn does not preview: what it is, and the way to get it. */
function NoPreview ({ file }: { file: FileInfo }) {
  return (
    <div class='viewer-none'>
      <p>There is no preview for this kind of file.</p>
      <dl class='viewer-facts'>
        <dt>Name</dt><dd>{baseName(file.path)}</dd>
        <dt>Size</dt><dd>{formatBytes(file.size)}</dd>
        <dt>Kind</dt><dd>{fileKind(baseName(file.path), file.type)}</dd>
        <dt>Modified</dt><dd>{formatDate(file.mtime)}</dd>
      </dl>
      <a class='button-link primary' href={downloadUrl(file.fileId, file.versionId)}>Download</a>
    </div>
  )
}
