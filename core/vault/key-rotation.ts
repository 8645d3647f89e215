import type { Blockstore } from 'interface-blockstore'
import type { Datastore, Key } from 'interface-datastore'
import { toBase64Url } from '../crypto/base64.ts'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { generateVaultKey } from '../crypto/vault-key.ts'
import { vaultSigner } from '../crypto/vault-signing.ts'
import { systemClock, type Clock } from '../clock.ts'
import { CairnError } from '../errors.ts'
import type { ChainHead } from '../index/chain.ts'
import type { IndexLog } from '../index/index-log.ts'
import { storeBlocks } from '../index/log-store.ts'
import { commitResealedHeads, resealOps, sealChain } from '../index/reseal.ts'
import { boxKeyToSealTo, type DeviceRecord } from './device-book.ts'
import { ensureBoxKey } from './device-box-store.ts'
import { PENDING_KEY, sealHandOver, type PendingHandOver, type SealedHandOver } from './key-handover.ts'
import { pendingCarryRecord, readPendingCarry } from './pending-carry.ts'
import type { IndexOp } from '../index/ops.ts'

export interface KeyRotationComponents {
  blockstore: Blockstore
  datastore: Datastore
  /** The open index under the old key. The rotation stops it: open a new IndexLog with `newVaultKey`'s index subkey. */
  index: IndexLog
}

export interface KeyRotationInit {
  /** The vault key in force (this device is unlocked). */
  vaultKey: Uint8Array
  /** This device's PeerId string. */
  deviceId: string
  /** The device book's records, the removed device already marked removed. */
  devices: DeviceRecord[]
  now?: Clock
}

export interface KeyRotation {
  /** VK': the vault key from now on. The caller owns it (and wipes the old one). */
  newVaultKey: Uint8Array
  oldVault: string
  newVault: string
  /** VK' sealed to each remaining device but this one, by PeerId: for the backup peers' rekey and for sync. */
  handovers: Record<string, SealedHandOver>
  /** Remaining devices without a box key: no hand-over can reach them; they must be paired again. */
  unreachable: string[]
  /** This device's box public key (base64url), when it was made just now: put it in its DeviceRecord. */
  newBoxKey?: string
  /** The head of the fresh chain (none when the index was empty), and its block CIDs (for the backup manifests). */
  head?: ChainHead
  blocks: string[]
}

/**
 * "Remove and rotate keys" on this device (DESIGN §3): makes VK', re-seals
 * the index under VK''s index subkey as one fresh chain of this device
 * (reseal.ts says what is carried), and seals VK' to every remaining
 * device's box key. The commit point is one datastore batch: the old heads
 * go, the new head comes, and so does a hand-over of VK' to this device's
 * own box key, which `unlockWithHandOver` opens at the next unlock and wraps
 * under the passphrase (this call has no passphrase). Until then the key
 * record still wraps VK; a crash before the commit changes nothing (the new
 * blocks are unreferenced), after it the next unlock completes the switch.
 *
 * Files need nothing: each has its own random key, kept only in the index,
 * so a file added from now on has a key sealed only under VK'. The old
 * index log is stopped inside its lock, so no append under VK can follow the
 * commit. The backup peers' rekey and the revocation list are the caller's
 * next step (device-removal.ts).
 */
export async function rotateVaultKey (components: KeyRotationComponents, init: KeyRotationInit): Promise<KeyRotation> {
  const now = init.now ?? systemClock
  const me = init.devices.find(d => d.peerId === init.deviceId)
  if (me?.removedAt !== undefined) throw new CairnError('DEVICE_REVOKED', 'this device was removed from the vault')
  const oldSigner = vaultSigner(init.vaultKey)
  const oldVault = oldSigner.vaultId
  oldSigner.wipe()
  const newVaultKey = generateVaultKey()
  const newSigner = vaultSigner(newVaultKey)
  const newVault = newSigner.vaultId
  newSigner.wipe()
  const box = await ensureBoxKey(components.datastore, init.vaultKey)
  const boxKey = toBase64Url(box.publicKey)
  box.secretKey.fill(0)
  const self: PendingHandOver = { oldVault, sealed: sealHandOver(newVaultKey, { peerId: init.deviceId, boxKey }, oldVault) }
  const handovers: Record<string, SealedHandOver> = {}
  const unreachable: string[] = []
  for (const device of init.devices) {
    if (device.removedAt !== undefined || device.peerId === init.deviceId) continue
    // Only the device's own signed key (or an unsigned one from before signing): never one another member wrote for it.
    const deviceBoxKey = boxKeyToSealTo(device)
    if (deviceBoxKey === undefined) unreachable.push(device.peerId)
    else handovers[device.peerId] = sealHandOver(newVaultKey, { peerId: device.peerId, boxKey: deviceBoxKey }, oldVault)
  }
  // Changes still waiting from a key this device took (pending-carry.ts) wait on under VK', in the same commit.
  const waiting = await waitingToCarry(components.datastore, init.vaultKey, init.deviceId)
  const indexKey = deriveSubkey(newVaultKey, 'index')
  let stopping: Promise<void> | undefined
  try {
    const sealed = await components.index.transact(async (tx) => {
      const chain = await sealChain(indexKey, init.deviceId, resealOps(tx.state, init.deviceId, now()))
      await storeBlocks(components.blockstore, chain.blocks)
      const extra: Array<{ key: Key, value: Uint8Array }> = [{ key: PENDING_KEY, value: new TextEncoder().encode(JSON.stringify(self)) }]
      if (waiting !== undefined) extra.push(pendingCarryRecord(indexKey, init.deviceId, waiting))
      await commitResealedHeads(components.datastore, indexKey, init.deviceId, chain.head, extra)
      // Stopped while the lock is held: an append already queued fails (VAULT_LOCKED) instead of writing under VK.
      stopping = components.index.stop()
      return chain
    })
    return {
      newVaultKey,
      oldVault,
      newVault,
      handovers,
      unreachable,
      ...(box.created ? { newBoxKey: boxKey } : {}),
      ...(sealed.head !== undefined ? { head: sealed.head } : {}),
      blocks: sealed.blocks.map(block => block.cid.toString())
    }
  } catch (err) {
    newVaultKey.fill(0)
    throw err
  } finally {
    indexKey.fill(0)
    await stopping
  }
}

/** This device's changes waiting to be carried under the key in force; one that cannot be read is left (the next carry says so and drops it). */
async function waitingToCarry (datastore: Datastore, vaultKey: Uint8Array, deviceId: string): Promise<IndexOp[] | undefined> {
  const indexKey = deriveSubkey(vaultKey, 'index')
  try {
    const waiting = await readPendingCarry(datastore, indexKey, deviceId)
    return waiting !== undefined && 'ops' in waiting ? waiting.ops : undefined
  } finally {
    indexKey.fill(0)
  }
}
