import { useModels } from '../../app-context.ts'
import { ErrorAlert } from '../../components/error-alert.tsx'
import { NewPassphraseFields } from '../../components/new-passphrase-fields.tsx'

/** Step 1: choose the passphrase that opens the vault on this device (or switch to restoring or joining one). */
export function CreateStep () {
  const { onboarding, restore, join } = useModels()
  const { form } = onboarding
  const creating = onboarding.creating.value
  return (
    <form
      class='stack'
      onSubmit={(e) => { e.preventDefault(); void onboarding.create() }}
      aria-busy={creating}
    >
      <h1>Create your vault</h1>
      <p class='lead'>
        Your files are encrypted on this device with a key only you hold. Choose a passphrase to open it.
        Cairn can't reset it for you, so pick one you will remember.
      </p>
      <NewPassphraseFields form={form} label='Passphrase' autoFocus disabled={creating} />
      <ErrorAlert message={onboarding.createError.value} />
      <div class='actions'>
        <button type='submit' disabled={!form.ready.value || creating}>Create vault</button>
        {creating && <span role='status' class='busy'><span class='spinner' aria-hidden='true' />Creating your vault…</span>}
      </div>
      <div class='alt-path'>
        <p>Already have a vault kept on a backup peer?</p>
        <button type='button' class='secondary' onClick={restore.show} disabled={creating}>Restore a vault</button>
      </div>
      <div class='alt-path'>
        <p>Already use Cairn on another device?</p>
        <button type='button' class='secondary' onClick={join.show} disabled={creating}>Join my vault from another device</button>
      </div>
    </form>
  )
}
