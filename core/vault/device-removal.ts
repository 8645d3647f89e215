import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { vaultSigner, type VaultSigner } from '../crypto/vault-signing.ts'
import { systemClock, type Clock } from '../clock.ts'
import { CairnError, InvalidArgumentError, toErrorPayload, type ErrorPayload } from '../errors.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { BackupClient, BackupPeer } from '../protocols/backup/backup-client.ts'
import { peerIdOf } from '../protocols/backup/backup-client.ts'
import { signRevocationList, type SignedRevocationList } from '../protocols/backup/revocation.ts'
import { changeStamp, type DeviceBook } from './device-book.ts'
import { rotateVaultKey, type KeyRotation } from './key-rotation.ts'
import { signedBoxKey } from './publish-box-key.ts'
import type { DeviceSign } from '../crypto/box-key-signature.ts'

export interface DeviceRemovalComponents {
  /** This device's PeerId string. */
  deviceId: string
  /** Signs with this device's libp2p key: a box key made by the rotation goes in its record signed (publish-box-key.ts). */
  sign?: DeviceSign
  /** The vault's device book as this device holds it, and how to store it (sealed; sync spreads it). */
  loadBook: () => Promise<DeviceBook>
  saveBook: (book: DeviceBook) => Promise<void>
  /** Stores the book sealed under another vault key (VK', before the vault adopts it). */
  saveBookUnder?: (vaultKey: Uint8Array, book: DeviceBook) => Promise<void>
  /** The vault key in force (the vault is unlocked). */
  vaultKey: () => Uint8Array
  /** The backup peers the vault is paired with. */
  backupPeers: () => BackupPeer[]
  /** A backup client signing with `signer`. */
  backupClient: (signer: VaultSigner) => BackupClient
  /** For "Remove and rotate keys". */
  rotation: {
    blockstore: Blockstore
    datastore: Datastore
    /** The open index (under the key in force); the rotation stops it. */
    index: () => IndexLog
    /**
     * Switch this device to the new key in memory: open a new IndexLog with
     * its index subkey, new signers, the device book and peer list sealed
     * under it. The key record on disk follows at the next unlock
     * (unlockWithHandOver).
     */
    adopt: (rotation: KeyRotation) => Promise<void>
  }
  now?: Clock
}

/** One backup peer's answer to the revocation (and the rekey). */
export interface PeerOutcome {
  peer: string
  error?: ErrorPayload
}

export interface RemovalReport {
  removedAt: number
  /** The revocation list sent (under the old key when rotating). */
  revocation: SignedRevocationList
  peers: PeerOutcome[]
  /** With rotation: the new vault id, the devices no hand-over reaches, and the peers still on the old key. */
  rotation?: { newVault: string, unreachable: string[], handovers: Record<string, string> }
}

/**
 * "Remove a device" (DESIGN §3 "Devices", issue 10): marks the device
 * removed in the device book (sticky), signs the vault's revocation list
 * (every removed device) and sends it to every backup peer, which from then
 * on refuses the device's requests and bitswap wants. With `rotate`, also
 * makes a new vault key (key-rotation.ts), re-pairs every backup peer under
 * it with a rekey signed by both keys (carrying the new vault's revocation
 * list and the hand-overs for the remaining devices) and switches this
 * device to it. A peer that cannot be reached is reported, not retried here.
 */
export class DeviceRemoval {
  constructor (private readonly components: DeviceRemovalComponents) {}

  async remove (peerId: string, rotate: boolean): Promise<RemovalReport> {
    const c = this.components
    const now = (c.now ?? systemClock)()
    if (peerId === c.deviceId) throw new InvalidArgumentError('this device cannot remove itself')
    const book = await c.loadBook()
    const record = book.get(peerId)
    if (record === undefined) throw new InvalidArgumentError('no such device in this vault')
    if (record.removedAt === undefined) {
      book.put({ ...record, removedAt: now, updatedAt: changeStamp(record, now) })
      await c.saveBook(book)
    }
    const revoked = book.list().filter(d => d.removedAt !== undefined).map(d => d.peerId)
    const oldSigner = vaultSigner(c.vaultKey())
    try {
      const client = c.backupClient(oldSigner)
      const revocation = signRevocationList(oldSigner, revoked, now, now)
      const peers = await Promise.all(c.backupPeers().map(async (peer): Promise<PeerOutcome> => {
        try {
          await sendRevocation(client, oldSigner, peer, revoked, revocation, now)
          return { peer: peerIdOf(peer) }
        } catch (err) {
          return { peer: peerIdOf(peer), error: toErrorPayload(err) }
        }
      }))
      const report: RemovalReport = { removedAt: book.get(peerId)?.removedAt ?? now, revocation, peers }
      if (!rotate) return report
      const rotation = await rotateVaultKey({ blockstore: c.rotation.blockstore, datastore: c.rotation.datastore, index: c.rotation.index() }, {
        vaultKey: c.vaultKey(), deviceId: c.deviceId, devices: book.list(), ...(c.now !== undefined ? { now: c.now } : {})
      })
      const newSigner = vaultSigner(rotation.newVaultKey)
      try {
        // The new vault starts with the same list, signed by its own key.
        const fresh = signRevocationList(newSigner, revoked, 1, now)
        report.peers = await Promise.all(c.backupPeers().map(async (peer): Promise<PeerOutcome> => {
          try {
            await client.rekey(peer, newSigner, { revocation: fresh, handovers: rotation.handovers })
            return { peer: peerIdOf(peer) }
          } catch (err) {
            return { peer: peerIdOf(peer), error: toErrorPayload(err) }
          }
        }))
      } finally {
        newSigner.wipe()
      }
      if (rotation.newBoxKey !== undefined) {
        const mine = book.get(c.deviceId)
        if (mine !== undefined) book.put(c.sign !== undefined ? await signedBoxKey(mine, rotation.newBoxKey, now, c.sign) : { ...mine, boxKey: rotation.newBoxKey, updatedAt: changeStamp(mine, now) })
      }
      await c.saveBookUnder?.(rotation.newVaultKey, book)
      await c.rotation.adopt(rotation)
      // Sealed under the new key now (saveBook uses the key in force).
      await c.saveBook(book)
      report.rotation = { newVault: rotation.newVault, unreachable: rotation.unreachable, handovers: rotation.handovers }
      return report
    } finally {
      oldSigner.wipe()
    }
  }
}

/**
 * Sends the list; when the peer already holds a seq at least as high (a
 * list another device sent, or a clock behind), signs the same set again
 * one above it: the peer keeps the union, so nothing is un-revoked.
 */
export async function sendRevocation (client: BackupClient, signer: VaultSigner, peer: BackupPeer, revoked: string[], list: SignedRevocationList, now: number): Promise<void> {
  const answer = await client.revoke(peer, list)
  if (answer.applied) return
  const again = await client.revoke(peer, signRevocationList(signer, revoked, answer.seq + 1, now))
  if (!again.applied) throw new CairnError('INTERNAL', 'the backup peer kept an older revocation list')
}
