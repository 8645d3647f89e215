import type { Datastore } from 'interface-datastore'
import { vaultSigner } from '../crypto/vault-signing.ts'
import { toErrorPayload } from '../errors.ts'
import type { Log } from '../log.ts'
import { loadBoxKey } from '../vault/device-box-store.ts'
import { openHandOver, storePendingHandOver } from '../vault/key-handover.ts'
import type { VaultService } from '../vault/vault-service.ts'

export interface RotatedElsewhereComponents {
  vault: Pick<VaultService, 'status' | 'keyInForce' | 'lockForNewKey'>
  datastore: Datastore
  /** This device's PeerId string. */
  deviceId: string
  /** Asks a backup peer for the hand-over sealed to this device, signed by the key in force (BackupPeers.handover). */
  handover: (peerId: string) => Promise<{ sealed: string | null, vault: string }>
  /** True while this device itself removes a device (its own rekey makes the peers answer VAULT_ROTATED for a moment). */
  busy?: () => boolean
  log: Log
}

/**
 * The device side of VAULT_ROTATED (DESIGN §3 "Devices"): another device
 * removed a device and rotated the vault key, and a backup peer says so.
 * This device fetches the hand-over of the new key sealed to its box key,
 * checks that it opens, keeps it for the next unlock
 * (storePendingHandOver) and locks, so the next unlock takes the new key
 * with the same passphrase; the status says why (`keysChanged`). One at a
 * time: several peers answering VAULT_ROTATED at once take it once.
 */
export class RotatedElsewhere {
  private taking = false
  /** The vault id for which no usable hand-over waits (logged once): not asked again while it is in force. */
  private settled: string | undefined

  constructor (private readonly c: RotatedElsewhereComponents) {}

  /** A backup peer answered VAULT_ROTATED. Never throws (logged). */
  async heard (peerId: string): Promise<void> {
    const c = this.c
    if (this.taking || c.busy?.() === true || c.vault.status().state !== 'unlocked') return
    this.taking = true
    try {
      const oldVault = vaultIdOf(c.vault.keyInForce())
      if (oldVault === this.settled) return
      const answer = await c.handover(peerId)
      // Asked under a key already in force there: this device rotated, or took it already.
      if (answer.vault === oldVault || c.vault.status().state !== 'unlocked') return
      const vaultKey = c.vault.keyInForce()
      if (vaultIdOf(vaultKey) !== oldVault) return
      if (answer.sealed === null) {
        this.settled = oldVault
        c.log.warn('keys were changed on another device, and no new key waits for this one (it had no box key): pair this device again')
        return
      }
      const box = await loadBoxKey(c.datastore, vaultKey)
      if (box === undefined) {
        this.settled = oldVault
        c.log.warn('keys were changed on another device, but this device has no box key to open the new key with: pair it again')
        return
      }
      try {
        // Only checked here: the next unlock opens it again and wraps it under the passphrase.
        openHandOver(box, answer.sealed, c.deviceId, oldVault).fill(0)
      } catch (err) {
        this.settled = oldVault
        throw err
      } finally {
        box.secretKey.fill(0)
      }
      await storePendingHandOver(c.datastore, { oldVault, sealed: answer.sealed })
      c.log.warn('Keys were changed on another device: unlock again to take the new key')
      await c.vault.lockForNewKey()
    } catch (err) {
      c.log.warn(`keys were changed on another device, and taking the new key failed: ${toErrorPayload(err).message}`)
    } finally {
      this.taking = false
    }
  }
}

function vaultIdOf (vaultKey: Uint8Array): string {
  const signer = vaultSigner(vaultKey)
  signer.wipe()
  return signer.vaultId
}
