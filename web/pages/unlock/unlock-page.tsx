import { useModels } from '../../app-context.ts'
import { CairnMark } from '../../components/cairn-mark.tsx'
import { RecoverForm } from './recover-form.tsx'
import { UnlockForm } from './unlock-form.tsx'

/** The locked vault: unlock, or recover with the 24 words. */
export function UnlockPage () {
  const { unlock } = useModels()
  return (
    <main class='centered'>
      <div class='card'>
        <p class='eyebrow'><CairnMark /> Cairn</p>
        {unlock.mode.value === 'unlock' ? <UnlockForm /> : <RecoverForm />}
      </div>
    </main>
  )
}
