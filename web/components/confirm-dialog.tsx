import type { ComponentChildren } from 'preact'
import { Dialog } from './dialog.tsx'
import { ErrorAlert } from './error-alert.tsx'

export interface ConfirmDialogProps {
  title: string
  /** The danger button's words ("Delete", "Remove"). */
  confirmLabel: string
  /** The confirmed action is running: both buttons wait. */
  busy: boolean
  error: string | undefined
  onConfirm: () => Promise<void>
  onCancel: () => void
  /** What confirming does, in a sentence or two. */
  children: ComponentChildren
}

/** Asks before something that cannot be undone; Cancel has the focus, so Enter alone does no harm. */
export function ConfirmDialog ({ title, confirmLabel, busy, error, onConfirm, onCancel, children }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onCancel={onCancel}>
      <div class='stack'>
        <p>{children}</p>
        <ErrorAlert message={error} />
        <div class='actions'>
          <button type='button' class='danger' onClick={() => { void onConfirm() }} disabled={busy}>{confirmLabel}</button>
          <button type='button' class='secondary' onClick={onCancel} disabled={busy} autoFocus>Cancel</button>
        </div>
      </div>
    </Dialog>
  )
}
