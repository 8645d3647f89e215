import { useModels } from '../../app-context.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'

/** "Stop sharing", after the user confirms (rendered by the app's dialog layer). */
export function StopShareDialog () {
  const { shares } = useModels()
  const share = shares.stopping.value
  if (share === undefined) return null
  return (
    <ConfirmDialog
      title={`Stop sharing ${share.name}?`}
      confirmLabel='Stop sharing'
      busy={shares.stopBusy.value}
      error={shares.stopError.value}
      onConfirm={shares.confirmStop}
      onCancel={shares.cancelStop}
    >
      The link stops working. Anyone who already downloaded the file keeps their copy.
    </ConfirmDialog>
  )
}
