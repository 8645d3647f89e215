import { effect, signal, type ReadonlySignal } from '@preact/signals'
import { parsePairingLink, type PairingLink } from '../lib/pairing-link.ts'
import type { HashLocation } from '../lib/hash-location.ts'
import type { BackupModel } from './backup-model.ts'
import type { RouteModel } from './route-model.ts'

export interface PairingLinkInit {
  location: HashLocation
  /** Rewrites the hash without a history entry (history.replaceState in the page); defaults to `location.set`. */
  replaceHash?: (hash: string) => void
  /** AppModels.screen: the form can be filled only once the vault is unlocked. */
  screen: ReadonlySignal<string>
  backup: Pick<BackupModel, 'fillFromLink'>
  route: Pick<RouteModel, 'go'>
}

/**
 * Takes a pairing link (`#/backup/add?peer=…&code=…`, printed by `npm
 * start`) out of the address bar at once — the code must not linger in the
 * history — and, once the vault is unlocked (after onboarding or the
 * passphrase, if need be), opens Backup with the form filled in. Pairing
 * still waits for the user's "Add backup peer". Returns the stop.
 */
export function startPairingLink (init: PairingLinkInit): () => void {
  const { location, screen, backup, route } = init
  const replaceHash = init.replaceHash ?? location.set
  const pending = signal<PairingLink | undefined>(undefined)
  const take = (): void => {
    const link = parsePairingLink(location.get())
    if (link === undefined) return
    replaceHash('#/backup')
    pending.value = link
  }
  take()
  const stops = [
    location.listen(take),
    effect(() => {
      const link = pending.value
      if (link === undefined || screen.value !== 'unlocked') return
      pending.value = undefined
      // Onboarding and unlock land on Files in the same turn that opens the vault; Backup comes after.
      queueMicrotask(() => {
        backup.fillFromLink(link)
        route.go('backup')
      })
    })
  ]
  return () => { for (const stop of stops) stop() }
}
