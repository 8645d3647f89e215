import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Blockstore } from 'interface-blockstore'
import { Key, type Datastore } from 'interface-datastore'
import { openSecret, sealSecret } from '../crypto/secretbox.ts'
import { FormatInvalidError, toErrorPayload } from '../errors.ts'
import { carriedOps } from '../index/carry-ops.ts'
import { headMacKey } from '../index/head-mac.ts'
import { encodeHlc } from '../index/hlc.ts'
import { encodeHead } from '../index/chain.ts'
import { HEADS_PREFIX } from '../index/constants.ts'
import { sealOps, storeBlocks } from '../index/log-store.ts'
import { opFromWire, opToWire, type IndexOp } from '../index/ops.ts'
import { readChainsUnderKey } from '../index/read-chains.ts'
import type { Log } from '../log.ts'
import { toStorageError } from '../storage/storage-errors.ts'

/**
 * This device's changes to carry under a key another device rotated to
 * (carry-ops.ts), kept until they are appended: written, sealed under the new
 * index key, before the heads of the old key are dropped, and removed only
 * once the carried ops' head is written. Carried as soon as the index under
 * the new key holds another device's chain (the rotating device's re-seal);
 * never against an index of this device alone, which would carry everything
 * again. So a failed write, a closed tab or a hand-over without a backup peer
 * loses nothing: the next unlock carries what waits.
 */
const PENDING_CARRY_KEY = new Key('/cairn/index/pending-carry')
const INFO = 'cairn pending carry v1'
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface CarryStores {
  blockstore: Blockstore
  datastore: Datastore
}

/** Keeps this device's own ops of the old index, and the ops they name, sealed under the new index key. */
export async function savePendingCarry (datastore: Datastore, indexKey: Uint8Array, deviceId: string, oldOps: IndexOp[]): Promise<void> {
  const record = pendingCarryRecord(indexKey, deviceId, oldOps)
  try {
    await datastore.put(record.key, record.value)
  } catch (err) {
    throw toStorageError(err, 'keep this device\'s changes for the new vault key')
  }
}

/** The record savePendingCarry writes, for a caller that commits it in its own batch (a rotation, key-rotation.ts). */
export function pendingCarryRecord (indexKey: Uint8Array, deviceId: string, oldOps: IndexOp[]): { key: Key, value: Uint8Array } {
  const own = oldOps.filter(op => op.device === deviceId)
  const named = new Set(own.flatMap(op => op.target === undefined ? [] : [encodeHlc(op.target)]))
  const kept = oldOps.filter(op => op.device === deviceId || named.has(encodeHlc(op.hlc)))
  const plain = encoder.encode(JSON.stringify({ v: 1, ops: kept.map(op => ({ device: op.device, op: opToWire(op) })) }))
  const key = carryKey(indexKey)
  try {
    return { key: PENDING_CARRY_KEY, value: sealSecret(key, plain, aadFor(deviceId)) }
  } finally {
    key.fill(0)
    plain.fill(0)
  }
}

/**
 * Appends the changes that wait (savePendingCarry) once the index under
 * `indexKey` holds another device's chain, then forgets them. Run before the
 * index log opens (it writes this device's head). Throws on a storage failure
 * (what waits stays for the next try).
 */
export async function runPendingCarry (stores: CarryStores, indexKey: Uint8Array, deviceId: string, log: Log): Promise<void> {
  const oldOps = await loadPendingCarry(stores.datastore, indexKey, deviceId, log)
  if (oldOps === undefined) return
  const fresh = await readChainsUnderKey(stores.blockstore, stores.datastore, indexKey)
  if (![...fresh.heads.keys()].some(device => device !== deviceId)) {
    log.info('new vault key: this device\'s changes wait for the index of the device that changed the keys (from a backup peer or another device)')
    return
  }
  const ownHead = fresh.heads.get(deviceId)
  const ownLast = fresh.ops.filter(op => op.device === deviceId).at(-1)
  const carried = carriedOps({
    oldOps,
    freshOps: fresh.ops,
    deviceId,
    ...(ownHead !== undefined && ownLast !== undefined ? { after: { seq: ownHead.seq, hlc: ownLast.hlc } } : {})
  })
  if (carried.length === 0) {
    await dropPendingCarry(stores.datastore)
    return
  }
  const sealed = await sealOps(indexKey, deviceId, ownHead, carried)
  await storeBlocks(stores.blockstore, sealed.blocks)
  const macKey = headMacKey(indexKey)
  try {
    // One batch: the new head and the end of what waits, so a crash between them cannot carry it twice.
    const batch = stores.datastore.batch()
    batch.put(new Key(`${HEADS_PREFIX}/${deviceId}`), encodeHead(macKey, deviceId, sealed.head))
    batch.delete(PENDING_CARRY_KEY)
    await batch.commit()
  } catch (err) {
    throw toStorageError(err, 'store the carried changes\' index head')
  } finally {
    macKey.fill(0)
  }
  log.info(`new vault key: kept ${carried.length} change(s) of this device that the other device had not seen`)
}

/** runPendingCarry as an unlock runs it: a failure is said and waits for the next unlock, the unlock goes on. */
export async function carryWaitingChanges (stores: CarryStores, indexKey: Uint8Array, deviceId: string, log: Log): Promise<void> {
  try {
    await runPendingCarry(stores, indexKey, deviceId, log)
  } catch (err) {
    log.warn(`this device's changes kept when the keys changed are not in the index yet (${toErrorPayload(err).message}); the next unlock tries again`)
  }
}

async function loadPendingCarry (datastore: Datastore, indexKey: Uint8Array, deviceId: string, log: Log): Promise<IndexOp[] | undefined> {
  const waiting = await readPendingCarry(datastore, indexKey, deviceId)
  if (waiting === undefined || 'ops' in waiting) return waiting?.ops
  // Damaged, or sealed under a key no longer in force (a hand-over that did not pass it on): it cannot be used.
  log.warn(`new vault key: this device's changes kept for it could not be read (${toErrorPayload(waiting.unreadable).message}); they are dropped`)
  await dropPendingCarry(datastore)
  return undefined
}

/** What waits to be carried: its ops, or why the record cannot be read under the key asked with. */
export type WaitingChanges = { ops: IndexOp[] } | { unreadable: unknown }

/**
 * The changes waiting under `indexKey` (savePendingCarry), undefined when
 * none wait. A hand-over to yet another key reads them under the key they
 * were kept for and keeps them again under the next (handed-over-index.ts),
 * so keys changing twice before they were carried loses nothing. A record
 * that cannot be read under this key (damaged, or sealed under another) is
 * `unreadable`; a failing store throws (what waits stays for the next try).
 */
export async function readPendingCarry (datastore: Datastore, indexKey: Uint8Array, deviceId: string): Promise<WaitingChanges | undefined> {
  let sealed: Uint8Array
  try {
    if (!(await datastore.has(PENDING_CARRY_KEY))) return undefined
    sealed = await datastore.get(PENDING_CARRY_KEY)
  } catch (err) {
    throw toStorageError(err, 'read this device\'s changes kept for the new vault key')
  }
  const key = carryKey(indexKey)
  try {
    const value = JSON.parse(decoder.decode(openSecret(key, sealed, aadFor(deviceId), 'INDEX_RECORD_TAMPERED'))) as { v?: unknown, ops?: unknown }
    if (value.v !== 1 || !Array.isArray(value.ops)) throw new FormatInvalidError('not a pending carry of version 1')
    return { ops: value.ops.map((item: { device?: unknown, op?: unknown }) => opFromWire(item.op, String(item.device))) }
  } catch (err) {
    return { unreadable: err }
  } finally {
    key.fill(0)
  }
}

async function dropPendingCarry (datastore: Datastore): Promise<void> {
  try {
    await datastore.delete(PENDING_CARRY_KEY)
  } catch (err) {
    throw toStorageError(err, 'forget this device\'s carried changes')
  }
}

function carryKey (indexKey: Uint8Array): Uint8Array {
  return hkdf(sha256, indexKey, undefined, encoder.encode(INFO), 32)
}

function aadFor (deviceId: string): Uint8Array {
  return encoder.encode(`${INFO}\u0000${deviceId}`)
}
