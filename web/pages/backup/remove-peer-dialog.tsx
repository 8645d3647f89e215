import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { shortPeerId } from '../../format.ts'

/** Remove a backup peer, after the user confirms (rendered by the app's dialog layer). */
export function RemovePeerDialog () {
  const { backup } = useModels()
  const peer = backup.removing.value
  if (peer === undefined) return null
  return (
    <ConfirmDialog
      title='Remove this backup peer?'
      confirmLabel='Remove'
      busy={backup.removeBusy.value}
      error={backup.removeError.value}
      onConfirm={backup.confirmRemove}
      onCancel={backup.cancelRemove}
    >
      Cairn stops backing up to <span class='mono' title={peer.peerId}>{shortPeerId(peer.peerId)}</span>.
      Your files on this device are not touched; to back up to this peer again you need a new pairing code.
    </ConfirmDialog>
  )
}
