import { useModels } from '../app-context.ts'

/** "A new version is ready" — non-blocking; reloading is the user's choice (an upload may be running). */
export function UpdateBanner () {
  const { update } = useModels()
  const apply = update.applyUpdate.value
  if (apply === undefined) return null
  return (
    <div class='banner' role='status'>
      <span>A new version is ready.</span>
      <button type='button' onClick={apply}>Reload to update</button>
      <button type='button' class='link-button' onClick={update.dismiss}>Later</button>
    </div>
  )
}
