import { useModels } from '../../app-context.ts'
import type { PersistenceState } from '../../lib/storage-access.ts'

const OUTCOME: Record<PersistenceState, { title: string, text: string }> = {
  unknown: { title: 'Keeping your files on this device', text: '' },
  asking: { title: 'Asking the browser to keep your files…', text: 'Some browsers ask you to allow this.' },
  granted: {
    title: 'Storage is persistent',
    text: "The browser promised not to clear Cairn's data when space runs low. Your files stay until you delete them."
  },
  denied: {
    title: 'Storage is not persistent yet',
    text: 'The browser may clear Cairn\'s data if the device runs short of space. Installing Cairn as an app, or using it often, usually changes that; you can ask again from the Dashboard.'
  },
  unsupported: {
    title: "This browser can't promise to keep the data",
    text: 'It may clear Cairn\'s data when space runs low.'
  }
}

/** Step 4: what the browser said about persistent storage. */
export function StorageStep () {
  const { onboarding } = useModels()
  const state = onboarding.persistence.value
  const outcome = OUTCOME[state]
  return (
    <div class='stack'>
      <h1>Your vault is ready</h1>
      <div class={`persistence persistence-${state}`} role='status'>
        <h2>{outcome.title}</h2>
        {outcome.text !== '' && <p>{outcome.text}</p>}
      </div>
      <div class='actions'>
        <button type='button' onClick={onboarding.finish}>Continue</button>
      </div>
    </div>
  )
}
