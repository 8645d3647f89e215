/** An error message announced to assistive tech (role="alert"); renders nothing without a message. `id`: for a field's aria-describedby. */
export function ErrorAlert ({ message, id }: { message: string | undefined, id?: string }) {
  if (message === undefined) return null
  return <p role='alert' class='alert' id={id}>{message}</p>
}

/** A calm confirmation (role="status"); renders nothing without a message. */
export function StatusNote ({ message }: { message: string | undefined }) {
  if (message === undefined) return null
  return <p role='status' class='note'>{message}</p>
}
