import { useModels } from '../app-context.ts'
import { sharedInboxMessage } from '../models/shared-inbox-model.ts'

/**
 * One line about files shared to Cairn from the OS share sheet: waiting for
 * the user's "Add to vault" or "Discard", being added, or lost; and a second
 * line naming the files refused by the share target's caps. Any website
 * can post files to the share target, so nothing is added without a click.
 */
export function SharedFilesNotice () {
  return (
    <>
      <InboxLine />
      <RefusedLine />
    </>
  )
}

function InboxLine () {
  const { sharedInbox } = useModels()
  const status = sharedInbox.status.value
  const message = sharedInboxMessage(status)
  if (message === undefined) return null
  return (
    <div class='banner' role={status.kind === 'lost' ? 'alert' : 'status'}>
      <span>{message}</span>
      {status.kind === 'confirm' && (
        <>
          <button type='button' onClick={sharedInbox.add} disabled={!status.ready}>Add to vault</button>
          <button type='button' class='link-button' onClick={sharedInbox.discard}>Discard</button>
        </>
      )}
      {status.kind === 'lost' && <button type='button' class='link-button' onClick={sharedInbox.dismiss}>Dismiss</button>}
    </div>
  )
}

/** The files a share brought past the caps of what Cairn holds from the share sheet, by name. */
function RefusedLine () {
  const { sharedInbox } = useModels()
  const message = sharedInbox.refusedMessage.value
  if (message === undefined) return null
  return (
    <div class='banner' role='alert'>
      <span>{message}</span>
      <button type='button' class='link-button' onClick={sharedInbox.dismissRefused}>Dismiss</button>
    </div>
  )
}
