import { useModels } from '../../app-context.ts'

/** "Free up space": drops local copies of files a backup peer or another device holds in full. */
export function FreeSpaceButton () {
  const { fileLocations } = useModels()
  const busy = fileLocations.freeBusy.value
  return (
    <button
      type='button'
      class='secondary'
      onClick={() => { void fileLocations.freeUpSpace() }}
      disabled={busy}
      title='Removes from this device the files a backup peer or another device holds in full. They still open: Cairn fetches them again.'
    >
      {busy ? 'Freeing space…' : 'Free up space'}
    </button>
  )
}

/** What the last "Free up space" did, or why it failed. */
export function FreeSpaceResult () {
  const { fileLocations } = useModels()
  const freed = fileLocations.freed.value
  const error = fileLocations.freeError.value
  const keepError = fileLocations.keepError.value
  return (
    <>
      {freed !== undefined && (
        <p role='status' class='note'>
          {freed}{' '}
          <button type='button' class='secondary small' onClick={fileLocations.dismissFreed}>Dismiss</button>
        </p>
      )}
      {error !== undefined && <p role='alert' class='alert'>{error}</p>}
      {keepError !== undefined && <p role='alert' class='alert'>{keepError}</p>}
    </>
  )
}
