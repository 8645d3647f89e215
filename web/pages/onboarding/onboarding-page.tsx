import { useModels } from '../../app-context.ts'
import { CairnMark } from '../../components/cairn-mark.tsx'
import { ConfirmStep } from './confirm-step.tsx'
import { CreateStep } from './create-step.tsx'
import { JoinForm } from './join-form.tsx'
import { PhraseStep } from './phrase-step.tsx'
import { RestoreForm } from './restore-form.tsx'
import { StorageStep } from './storage-step.tsx'

const STEP_NUMBER = { create: 1, phrase: 2, confirm: 3, storage: 4, done: 4 } as const

/** First run: one card per step; or, from the first step, restoring a vault from a backup peer or joining it from another device. */
export function OnboardingPage () {
  const { onboarding, restore, join } = useModels()
  const step = onboarding.step.value
  if (join.showing.value && step === 'create') {
    return (
      <main class='centered'>
        <div class='card onboarding'>
          <p class='eyebrow'><CairnMark /> Set up Cairn · join</p>
          <JoinForm />
        </div>
      </main>
    )
  }
  if (restore.showing.value && step === 'create') {
    return (
      <main class='centered'>
        <div class='card onboarding'>
          <p class='eyebrow'><CairnMark /> Set up Cairn · restore</p>
          <RestoreForm />
        </div>
      </main>
    )
  }
  return (
    <main class='centered'>
      <div class='card onboarding'>
        <p class='eyebrow'><CairnMark /> Set up Cairn · step {STEP_NUMBER[step]} of 4</p>
        {step === 'create' && <CreateStep />}
        {step === 'phrase' && <PhraseStep />}
        {step === 'confirm' && <ConfirmStep />}
        {(step === 'storage' || step === 'done') && <StorageStep />}
      </div>
    </main>
  )
}
