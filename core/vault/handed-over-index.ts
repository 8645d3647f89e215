import type { Blockstore } from 'interface-blockstore'
import type { Datastore, Key } from 'interface-datastore'
import type { Multiaddr } from '@multiformats/multiaddr'
import { deriveSubkey } from '../crypto/subkeys.ts'
import { vaultSigner, type VaultSigner } from '../crypto/vault-signing.ts'
import { decodeHead } from '../index/chain.ts'
import { HEADS_PREFIX } from '../index/constants.ts'
import { headMacKey } from '../index/head-mac.ts'
import { encodeHlc } from '../index/hlc.ts'
import type { IndexOp } from '../index/ops.ts'
import { readChainsUnderKey } from '../index/read-chains.ts'
import type { BackupClient } from '../protocols/backup/index.ts'
import { toErrorPayload } from '../errors.ts'
import type { Log } from '../log.ts'
import { readPendingCarry, savePendingCarry } from './pending-carry.ts'
import { restoreIndexFromPeer } from './restore-index.ts'

export interface HandedOverIndexComponents {
  /** A blockstore that fetches what it lacks from connected peers (Helia's). */
  networkBlockstore: Blockstore
  datastore: Datastore
  /** The vault's backup peers. */
  peers: () => Multiaddr[]
  /** A backup client signing with `signer`. */
  client: (signer: VaultSigner) => BackupClient
  /** This device's PeerId string. */
  deviceId: string
  log: Log
}

/**
 * An unlock took a hand-over of a key another device rotated to
 * (VaultService's onHandedOver): the index heads this device stored were
 * MAC'd under the old key, and the index under the new key is the rotating
 * device's re-sealed chain. The heads that do not check under the new key
 * are dropped, and the index is fetched from the backup peers as a restore
 * does (restore-index.ts), also when it held none. A device that rotated
 * itself keeps its heads (they check). When no peer answers, the index comes with the next sync;
 * the unlock goes on (logged).
 *
 * This device's own changes that the rotating device had not seen (made
 * offline, or since their last sync) are read from its chain under the old
 * key (`oldVaultKey`) and kept (pending-carry.ts) before its heads go; the
 * index opening next (VaultService.open) appends them under the new key once
 * the new index is here (carry-ops.ts), else a later unlock does, so nothing
 * it did is lost.
 */
export async function bringIndexUnderKey (c: HandedOverIndexComponents, vaultKey: Uint8Array, oldVaultKey?: Uint8Array): Promise<void> {
  const indexKey = deriveSubkey(vaultKey, 'index')
  const macKey = headMacKey(indexKey)
  let signer: VaultSigner | undefined
  let oldOps: IndexOp[] = []
  try {
    const prefix = HEADS_PREFIX + '/'
    const stale: Key[] = []
    let current = 0
    for await (const { key, value } of c.datastore.query({ prefix })) {
      try {
        decodeHead(macKey, key.toString().slice(prefix.length), value)
        current++
      } catch {
        stale.push(key)
      }
    }
    // Heads under the new key: this device made the re-sealed chain itself.
    if (current > 0 && stale.length === 0) return
    if (oldVaultKey !== undefined) oldOps = await readOwnChangesUnderOldKey(c, oldVaultKey)
    // Kept before the old heads go: from here on nothing of this device's is lost (pending-carry.ts).
    if (oldOps.length > 0) await savePendingCarry(c.datastore, indexKey, c.deviceId, oldOps)
    if (stale.length > 0) {
      const batch = c.datastore.batch()
      for (const key of stale) batch.delete(key)
      await batch.commit()
      c.log.info(`new vault key: dropped ${stale.length} index head(s) made under the old key`)
    }
    const peers = c.peers()
    if (peers.length === 0) {
      c.log.warn('new vault key: no backup peer to fetch the index from; it comes with the next sync')
    } else {
      signer = vaultSigner(vaultKey)
      try {
        const fetched = await restoreIndexFromPeer({ networkBlockstore: c.networkBlockstore, datastore: c.datastore, client: c.client(signer), log: c.log }, peers, indexKey)
        c.log.info(`new vault key: fetched the index from the backup peers (${fetched} op blocks)`)
      } catch (err) {
        c.log.warn(`new vault key: the index could not be fetched from the backup peers (${toErrorPayload(err).message}); it comes with the next sync`)
      }
    }
  } finally {
    signer?.wipe()
    macKey.fill(0)
    indexKey.fill(0)
  }
}

/**
 * Every op this device held under the old key, when its own chain is among
 * them (else nothing of its own can be lost), and the changes still waiting
 * to be carried under the old key (keys changed again before the previous
 * hand-over's carry could run): these are kept again for the new key.
 */
async function readOwnChangesUnderOldKey (c: HandedOverIndexComponents, oldVaultKey: Uint8Array): Promise<IndexOp[]> {
  const oldIndexKey = deriveSubkey(oldVaultKey, 'index')
  try {
    const old = await readChainsUnderKey(c.networkBlockstore, c.datastore, oldIndexKey)
    if (old.unreadable.includes(c.deviceId)) c.log.warn('new vault key: this device\'s own index chain under the old key could not be read; changes the other device had not seen may be missing')
    const waiting = await readWaiting(c, oldIndexKey)
    const ops = [...waiting, ...(old.heads.has(c.deviceId) ? old.ops : [])]
    const seen = new Set<string>()
    return ops.filter(op => { const id = `${op.device}\u0000${encodeHlc(op.hlc)}`; if (seen.has(id)) return false; seen.add(id); return true })
  } finally {
    oldIndexKey.fill(0)
  }
}

/** What waits to be carried under the old key; a record that cannot be read is said (the carry under the new key drops it). */
async function readWaiting (c: HandedOverIndexComponents, oldIndexKey: Uint8Array): Promise<IndexOp[]> {
  const waiting = await readPendingCarry(c.datastore, oldIndexKey, c.deviceId)
  if (waiting === undefined || 'ops' in waiting) return waiting?.ops ?? []
  c.log.warn(`new vault key: this device's changes waiting from an earlier key change could not be read (${toErrorPayload(waiting.unreadable).message})`)
  return []
}
