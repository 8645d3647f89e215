import type { Libp2p } from '@libp2p/interface'
import { deviceSigner } from './device-key.ts'
import { multiaddr } from '@multiformats/multiaddr'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { Clock } from '../clock.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { CairnError, isCairnError } from '../errors.ts'
import type { DeviceDirectory } from '../vault/device-directory.ts'
import type { Log } from '../log.ts'
import { BackupClient } from '../protocols/backup/backup-client.ts'
import type { BackupPeers } from '../protocols/backup/device/backup-peers.ts'
import { DeviceRemoval, type RemovalReport } from '../vault/device-removal.ts'
import type { DeviceBook } from '../vault/device-book.ts'
import { saveDeviceBook } from '../vault/device-store.ts'
import { readPendingHandOver } from '../vault/key-handover.ts'
import type { VaultService } from '../vault/vault-service.ts'

export interface VaultDeviceRemovalComponents {
  vault: VaultService
  /** The open device book: removal changes it there, so the directory's copy never goes stale. */
  directory: Pick<DeviceDirectory, 'book' | 'merge'>
  backups: Pick<BackupPeers, 'list' | 'detach'>
  libp2p: Libp2p
  blockstore: Blockstore
  datastore: Datastore
  /** This device's PeerId string. */
  deviceId: string
  log: Log
  now?: Clock
}

/** "Remove a device" on this node: DeviceRemoval over the open vault, and whether one is under way. */
export interface VaultDeviceRemoval {
  remove: (peerId: string, rotate: boolean) => Promise<RemovalReport>
  /** True while a removal runs (its own rekey makes the peers answer VAULT_ROTATED for a moment). */
  busy: () => boolean
}


/**
 * DeviceRemoval (device-removal.ts) wired to the node's open vault: the
 * device book in this device's datastore (sealed under the key in force:
 * after a rotation, VK'), the paired backup peers, a backup client per
 * signer, and the vault's own adopt. Backup is detached before the index is
 * re-sealed, so no manifest is built from the stopped index; it attaches
 * again under the new signer when the vault adopts VK'. A rotation that
 * fails after that point locks the vault (its index may be stopped): the
 * next unlock opens whichever key the datastore then holds.
 */
export function createVaultDeviceRemoval (c: VaultDeviceRemovalComponents): VaultDeviceRemoval {
  let running = false
  let queue: Promise<unknown> = Promise.resolve()
  // Set once the index is handed to the rotation (it stops it): from then on a failure leaves the vault unusable until unlocked again.
  let rotationStarted = false
  const removal = new DeviceRemoval({
    deviceId: c.deviceId,
    sign: deviceSigner(c.libp2p),
    loadBook: async () => await c.directory.book(),
    saveBook: async (book: DeviceBook) => {
      try {
        await c.directory.merge(book)
      } catch (err) {
        // Right after a rotation the directory may still be re-opening under VK': the book was already stored under it (saveBookUnder).
        if (!isCairnError(err, 'VAULT_LOCKED')) throw err
      }
    },
    // Before the vault adopts VK': the directory re-opens under it and must find the book sealed under it.
    saveBookUnder: async (vaultKey: Uint8Array, book: DeviceBook) => {
      const key = deriveSubkey(vaultKey, 'devices')
      try { await saveDeviceBook(c.datastore, key, book) } finally { key.fill(0) }
    },
    vaultKey: () => c.vault.keyInForce(),
    backupPeers: () => c.backups.list().map(peer => multiaddr(peer.address)),
    backupClient: (signer) => new BackupClient({ libp2p: c.libp2p }, { signer }),
    rotation: {
      blockstore: c.blockstore,
      datastore: c.datastore,
      index: () => {
        const index = c.vault.indexLog()
        rotationStarted = true
        c.backups.detach()
        return index
      },
      adopt: async (rotation) => { await c.vault.adopt(rotation) }
    },
    ...(c.now !== undefined ? { now: c.now } : {})
  })
  const run = async (peerId: string, rotate: boolean): Promise<RemovalReport> => {
    running = true
    rotationStarted = false
    try {
      // The pending hand-over is this device's only way from the wrapped key to the one in force (or to another device's new key): a second rotation would replace it.
      if (rotate && await readPendingHandOver(c.datastore) !== undefined) {
        throw new CairnError('ROTATION_UNFINISHED', 'a new vault key waits for the next unlock; lock and unlock once before rotating again')
      }
      return await removal.remove(peerId, rotate)
    } catch (err) {
      if (rotationStarted && c.vault.status().state === 'unlocked') {
        c.log.warn('remove and rotate keys failed part-way: the vault is locked; unlock it again')
        await c.vault.lock()
      }
      throw err
    } finally {
      running = false
    }
  }
  return {
    busy: () => running,
    // One removal at a time: a second one waits for the first (and its rotation) to end.
    remove: async (peerId, rotate) => {
      const next = queue.then(async () => await run(peerId, rotate))
      queue = next.catch(() => {})
      return await next
    }
  }
}
