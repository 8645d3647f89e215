import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert, StatusNote } from '../../components/error-alert.tsx'
import { baseName, formatBytes, formatDate } from '../../format.ts'

/** A file's earlier versions (date, size, device), each with Restore. */
export function VersionsDialog () {
  const { versions } = useModels()
  const file = versions.file.value
  if (file === undefined) return null
  const list = versions.versions.value
  const restoring = versions.restoring.value
  const restored = versions.restored.value
  return (
    <Dialog title={`Versions of ${baseName(file.path)}`} onCancel={versions.close}>
      <div class='stack'>
        <p class='muted'>Now: {formatBytes(file.size)}, changed {formatDate(file.mtime)}.</p>
        {versions.loading.value && list.length === 0
          ? <p class='muted'>Loading earlier versions…</p>
          : list.length === 0
            ? <p>No earlier versions. When this file is replaced, the version it had is kept here.</p>
            : (
              <table class='versions'>
                <thead>
                  <tr><th scope='col'>Saved</th><th scope='col'>Size</th><th scope='col'>Device</th><th scope='col'><span class='visually-hidden'>Actions</span></th></tr>
                </thead>
                <tbody>
                  {list.map(v => (
                    <tr key={v.versionId}>
                      <td>{formatDate(v.savedAt)}</td>
                      <td>{formatBytes(v.size)}</td>
                      <td>{v.thisDevice ? 'This device' : `Device …${v.device}`}</td>
                      <td>
                        <button
                          type='button'
                          class='secondary small'
                          disabled={restoring !== undefined}
                          aria-label={`Restore the version saved ${formatDate(v.savedAt)}`}
                          onClick={() => { void versions.restore(v) }}
                        >
                          {restoring === v.versionId ? 'Restoring…' : 'Restore'}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              )}
        <StatusNote message={restored !== undefined ? `Restored the version saved ${formatDate(restored.savedAt)}. The one it replaced is kept above.` : undefined} />
        <ErrorAlert message={versions.error.value} />
        <div class='actions'>
          <button type='button' class='secondary' onClick={versions.close} autoFocus>Close</button>
        </div>
      </div>
    </Dialog>
  )
}
