import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { freePath } from '../../lib/free-path.ts'

const LISTED = 5

/** "Replace or keep both?" when files being added have names already in the vault. */
export function UploadConflictDialog () {
  const { uploads, files } = useModels()
  const conflict = uploads.conflict.value
  if (conflict === undefined) return null
  const [first] = conflict.paths
  const one = conflict.paths.length === 1
  const example = freePath(first ?? '', new Set(files.files.value.map(f => f.path)))
  return (
    <Dialog title='Replace or keep both?' onCancel={() => { uploads.resolveConflict('cancel') }}>
      <div class='stack'>
        {one
          ? <p>“{first}” is already in your vault.</p>
          : (
            <>
              <p>{conflict.paths.length} files have names already in your vault:</p>
              <ul class='conflict-names'>
                {conflict.paths.slice(0, LISTED).map(path => <li key={path}>{path}</li>)}
                {conflict.paths.length > LISTED && <li>and {conflict.paths.length - LISTED} more</li>}
              </ul>
            </>
            )}
        <p class='muted'>
          Replace: the new {one ? 'file takes its place' : 'files take their places'}; the current {one ? 'one is' : 'ones are'} kept
          under Versions on {one ? 'its' : 'their'} row. Keep both: the new {one ? 'one is' : 'ones are'} added under another name,
          like “{example}”.
        </p>
        <div class='actions'>
          <button type='button' onClick={() => { uploads.resolveConflict('replace') }}>Replace</button>
          <button type='button' class='secondary' onClick={() => { uploads.resolveConflict('keep-both') }} autoFocus>Keep both</button>
          <button type='button' class='secondary' onClick={() => { uploads.resolveConflict('cancel') }}>Cancel</button>
        </div>
      </div>
    </Dialog>
  )
}
