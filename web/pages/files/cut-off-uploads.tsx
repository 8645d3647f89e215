import { useModels } from '../../app-context.ts'

/** Words for uploads a closed tab or a crash cut off (their partial blocks were freed at unlock). */
export function cutOffWords (paths: readonly string[]): string {
  const names = paths.map(path => `“${path}”`).join(', ')
  return paths.length === 1
    ? `The upload of ${names} was cut off before it finished (the tab closed or the app stopped), so it was not saved. Add it again.`
    : `${paths.length} uploads were cut off before they finished (the tab closed or the app stopped), so they were not saved: ${names}. Add them again.`
}

/** Names the uploads the last visit left unfinished, until dismissed. */
export function CutOffUploads () {
  const { files } = useModels()
  const paths = files.cutOff.value
  if (paths.length === 0) return null
  return (
    <div role='alert' class='alert cut-off-uploads'>
      <span>{cutOffWords(paths)}</span>{' '}
      <button type='button' class='secondary small' onClick={() => { files.dismissCutOff() }}>Dismiss</button>
    </div>
  )
}
