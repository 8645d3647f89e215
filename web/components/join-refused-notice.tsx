import { useModels } from '../app-context.ts'

/** A device join link opened in a browser that already has a vault: it can't join another one. */
export function JoinRefusedNotice () {
  const { join } = useModels()
  if (!join.refusedLink.value) return null
  return (
    <div role='alert' class='banner'>
      <span>
        This browser already has a Cairn vault, so it can't join another. Open the link in a browser (or browser
        profile) without one.
      </span>
      <button type='button' class='secondary small' onClick={join.dismissRefusedLink}>Dismiss</button>
    </div>
  )
}
