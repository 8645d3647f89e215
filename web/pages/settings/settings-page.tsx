import { AutoLockSection } from './auto-lock-section.tsx'
import { ChangePassphraseSection } from './change-passphrase-section.tsx'
import { RecoveryPhraseSection } from './recovery-phrase-section.tsx'
import { RelaysSection } from './relays-section.tsx'
import { VersionsSection } from './versions-section.tsx'
import { StorageCheckSection } from './storage-check-section.tsx'
import { NotificationsSection } from './notifications-section.tsx'
import { NetworkAccessSection } from './network-access-section.tsx'

/** Passphrase, auto-lock, recovery phrase, relays, earlier versions, checking the stored data, notifications, and (desktop) network access. */
export function SettingsPage () {
  return (
    <div class='page settings'>
      <div class='page-head'><h1>Settings</h1></div>
      <ChangePassphraseSection />
      <AutoLockSection />
      <RecoveryPhraseSection />
      <RelaysSection />
      <VersionsSection />
      <StorageCheckSection />
      <NotificationsSection />
      <NetworkAccessSection />
    </div>
  )
}
