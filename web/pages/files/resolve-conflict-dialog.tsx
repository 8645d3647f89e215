import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { formatBytes, formatDate } from '../../format.ts'
import { conflictOriginal } from '../../models/conflict-model.ts'

/** "Resolve…" on a conflict copy: keep this version, keep the other, or keep both under their names. */
export function ResolveConflictDialog () {
  const { conflicts } = useModels()
  const file = conflicts.resolving.value
  if (file === undefined) return null
  const other = conflicts.other.value
  const original = conflictOriginal(file)
  const busy = conflicts.busy.value
  return (
    <Dialog title='Resolve the conflict' onCancel={conflicts.close}>
      <div class='stack'>
        <p>
          Two devices changed “{original}” while they were apart, so both versions were kept. Which one do you want?
        </p>
        <dl class='facts'>
          <dt>This version</dt>
          <dd>{file.path} · {formatBytes(file.size)} · {formatDate(file.mtime)}</dd>
          <dt>The other</dt>
          <dd>{other !== undefined ? `${other.path} · ${formatBytes(other.size)} · ${formatDate(other.mtime)}` : original}</dd>
        </dl>
        <p class='muted'>
          The version you don't keep is deleted, as if you had deleted it yourself. “Keep both” keeps the two under
          their present names; rename either as you like.
        </p>
        <ErrorAlert message={conflicts.error.value} />
        <div class='actions'>
          <button type='button' onClick={() => { void conflicts.choose('this') }} disabled={busy !== undefined}>Keep this</button>
          <button type='button' class='secondary' onClick={() => { void conflicts.choose('other') }} disabled={busy !== undefined}>Keep the other</button>
          <button type='button' class='secondary' onClick={() => { void conflicts.choose('both') }} disabled={busy !== undefined}>Keep both</button>
          <button type='button' class='secondary' onClick={conflicts.close} disabled={busy !== undefined} autoFocus>Cancel</button>
        </div>
      </div>
    </Dialog>
  )
}
