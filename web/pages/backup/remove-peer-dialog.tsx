import { useModels } from '../../app-context.ts'
import { Dialog } from '../../components/dialog.tsx'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { shortPeerId } from '../../format.ts'

/** Remove a backup peer, after the user confirms (rendered by the app's dialog layer). */
export function RemovePeerDialog () {
  const { backup } = useModels()
  const peer = backup.removing.value
  if (peer === undefined) return null
  const busy = backup.removeBusy.value
  return (
    <Dialog title='Remove this backup peer?' onCancel={backup.cancelRemove}>
      <div class='stack'>
        <p>
          Cairn stops backing up to <span class='mono' title={peer.peerId}>{shortPeerId(peer.peerId)}</span>.
          Your files on this device are not touched; to back up to this peer again you need a new pairing code.
        </p>
        <ErrorAlert message={backup.removeError.value} />
        <div class='actions'>
          <button type='button' class='danger' onClick={() => { void backup.confirmRemove() }} disabled={busy}>Remove</button>
          <button type='button' class='secondary' onClick={backup.cancelRemove} disabled={busy} autoFocus>Cancel</button>
        </div>
      </div>
    </Dialog>
  )
}
