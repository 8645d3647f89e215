/** An error message announced to assistive tech (role="alert"); renders nothing without a message. */
export function ErrorAlert ({ message }: { message: string | undefined }) {
  if (message === undefined) return null
  return <p role='alert' class='alert'>{message}</p>
}

/** A calm confirmation (role="status"); renders nothing without a message. */
export function StatusNote ({ message }: { message: string | undefined }) {
  if (message === undefined) return null
  return <p role='status' class='note'>{message}</p>
}
