import { AutoLockSection } from './auto-lock-section.tsx'
import { ChangePassphraseSection } from './change-passphrase-section.tsx'
import { RecoveryPhraseSection } from './recovery-phrase-section.tsx'

/** Passphrase, auto-lock, recovery phrase. */
export function SettingsPage () {
  return (
    <div class='page settings'>
      <div class='page-head'><h1>Settings</h1></div>
      <ChangePassphraseSection />
      <AutoLockSection />
      <RecoveryPhraseSection />
    </div>
  )
}
