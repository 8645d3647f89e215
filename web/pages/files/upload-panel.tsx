import { useModels } from '../../app-context.ts'
import { formatBytes, formatPercent, formatRate } from '../../format.ts'
import type { UploadItem } from '../../models/uploads-model.ts'

/** The upload queue: overall progress, then one line per file (a list, not table rows). */
export function UploadPanel () {
  const { uploads } = useModels()
  const items = uploads.items.value
  if (items.length === 0) return null
  const t = uploads.totals.value
  const active = uploads.active.value
  return (
    <section class='uploads' aria-label='Uploads'>
      <div class='uploads-head'>
        <h2>{active ? 'Adding files' : 'Added files'}</h2>
        <p class='uploads-summary'>
          {t.filesDone} of {t.filesTotal} {t.filesTotal === 1 ? 'file' : 'files'} · {formatBytes(t.bytesDone)} of {formatBytes(t.bytesTotal)}
          {t.filesFailed > 0 && ` · ${t.filesFailed} failed`}
          {uploads.paused.value && active && ' · paused while locked'}
        </p>
        {!active && <button type='button' class='secondary small' onClick={uploads.clearFinished}>Clear list</button>}
      </div>
      <progress
        class='overall'
        max={Math.max(t.bytesTotal, 1)}
        value={t.bytesTotal === 0 ? (t.filesDone === t.filesTotal ? 1 : 0) : t.bytesDone}
        aria-label='All uploads'
      />
      <ul class='upload-list'>
        {items.map(item => <UploadLine key={item.uploadId} item={item} />)}
      </ul>
    </section>
  )
}

function UploadLine ({ item }: { item: UploadItem }) {
  const state = item.state.value
  const done = item.bytesDone.value
  return (
    <li class={`upload upload-${state}`}>
      <div class='upload-name' title={item.path}>{item.path}</div>
      {state === 'uploading' && (
        <>
          <progress max={Math.max(item.bytesTotal, 1)} value={item.bytesTotal === 0 ? 0 : done} aria-label={`Adding ${item.path}`} />
          <div class='upload-figures'>
            {formatBytes(done)} of {formatBytes(item.bytesTotal)} · {formatPercent(done, item.bytesTotal)} · {formatRate(item.rate.value)}
          </div>
        </>
      )}
      {state === 'queued' && <div class='upload-figures'>Waiting · {formatBytes(item.bytesTotal)}</div>}
      {state === 'stored' && (
        <div class='upload-figures'>
          <span class='upload-status ok'>Stored</span>
          <span class='muted'> · {formatBytes(item.bytesTotal)}{item.rate.value > 0 ? ` · ${formatRate(item.rate.value)}` : ''}</span>
        </div>
      )}
      {state === 'replaced' && (
        <div class='upload-figures'>
          <span class='upload-status ok'>Replaced</span>
          <span class='muted'> · {formatBytes(item.bytesTotal)} · the earlier one is kept under Versions</span>
        </div>
      )}
      {state === 'deduplicated' && (
        <div class='upload-figures'><span class='upload-status ok'>Added — same content was already stored, no new space used</span></div>
      )}
      {state === 'unchanged' && (
        <div class='upload-figures'><span class='upload-status ok'>Already in your vault — nothing new stored</span></div>
      )}
      {state === 'failed' && <p role='alert' class='alert small'>Not added: {item.error.value}</p>}
    </li>
  )
}
