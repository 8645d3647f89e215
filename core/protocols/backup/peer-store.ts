import { Key, type Datastore } from 'interface-datastore'
import { StorageFailedError } from '../../errors.ts'
import { PEER_PREFIX } from './constants.ts'
import type { WireHead } from './messages.ts'
import type { StoredRevocation } from './revocation.ts'

/**
 * What a backup peer persists, as JSON values in its datastore (under
 * `/cairn/backup/peer`), so a restart resumes exactly where it stopped:
 *
 * - `/vaults/<vaultId>` → `VaultRecord` (paired vaults, last seq per device, index heads)
 * - `/items/<vaultId>/<cid>` → `ItemRecord` (one per root a vault pinned)
 * - `/codes/<CODE>` → `{ createdAt }` (unused pairing codes)
 */
export interface VaultRecord {
  vault: string
  pairedAt: number
  /** Last manifest seq applied, per device. */
  lastSeq: Record<string, number>
  /** Newest index head each device reported, per device (by seq). */
  heads: Record<string, WireHead>
  /** The vault's list of backup peers, sealed by the vault (the `peers` request). */
  peers?: string
  /** The vault's revoked devices (revocation.ts): their requests and wants are refused. */
  revocation?: StoredRevocation
}

/**
 * `pending`: to fetch (or being fetched); `pinned`: held completely;
 * `failed`: given up after the last attempt (pinning it again retries).
 */
export type ItemState = 'pending' | 'pinned' | 'failed'

export interface ItemRecord {
  vault: string
  cid: string
  state: ItemState
  /** Bytes of the whole DAG once held (0 before). */
  bytes: number
  /** Size the device declared in its manifest, if any (counts against the quota while pending). */
  declared: number
  attempts: number
  reason?: string
  /** ms since epoch before which no new attempt starts. */
  nextAt: number
  /** Set when unpinned: when the blocks may be freed (now, when dropped). */
  unpinAt?: number
  /** Set when a manifest dropped the root (a share copy only): it is freed at once, without retention. */
  dropped?: true
  /** Set when a share copy's pin came with an expiry: the root is freed then, without retention (ms since epoch). Never set on vault data. */
  expiresAt?: number
  addedAt: number
  /**
   * True while the root is a share copy: its first pin named it one (in
   * `shares`, or with an expiry) and no pin since named it vault data.
   * Served to anyone; the only kind of root a drop or an expiry frees at once
   * (see VaultLedger.applyManifest). False: vault data. Unset: pinned before
   * the peer knew share copies (and with no expiry), not decided yet.
   */
  share?: boolean
  /** Set on a root pinned before the peer knew share copies that a later pin named one: served to anyone, deleted like vault data. */
  listed?: true
  /**
   * Set once a fetch of the root for this vault finished (every block came
   * from the vault's own devices or was already held by it); kept while a
   * repair fetches it again. A vault counts as holding a root only then
   * (heldByVault): naming a CID in a manifest is no claim to it.
   */
  held?: true
}

/** True when the vault's item holds its root: pinned, or pinned before and being repaired. */
export function holdsRoot (item: ItemRecord | undefined): boolean {
  return item !== undefined && (item.state === 'pinned' || item.held === true)
}

/** True for a share copy; records from before `share` existed count as one when they carry an expiry (only share copies had one). */
export function isShareCopy (item: ItemRecord): boolean {
  return item.share === true || item.expiresAt !== undefined
}

/** True while anyone may be sent the root's blocks: a share copy (or a listed root) still pinned (not unpinned or dropped) and not expired. */
export function servedToAnyone (item: ItemRecord, now: number): boolean {
  return (isShareCopy(item) || item.listed === true) && item.unpinAt === undefined && (item.expiresAt ?? Infinity) > now
}

/**
 * When an item's blocks may be freed: its retention end or its expiry,
 * whichever comes first (Infinity: never). An append-only peer (`keepUnpinned`)
 * frees nothing a device unpinned or dropped; only a share copy's own expiry.
 */
export function dueAt (item: ItemRecord, keepUnpinned = false): number {
  return Math.min(keepUnpinned ? Infinity : item.unpinAt ?? Infinity, item.expiresAt ?? Infinity)
}

export interface PairingCodeRecord {
  createdAt: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const vaultKey = (vault: string): Key => new Key(`${PEER_PREFIX}/vaults/${vault}`)
export const itemKey = (vault: string, cid: string): Key => new Key(`${PEER_PREFIX}/items/${vault}/${cid}`)
export const codeKey = (code: string): Key => new Key(`${PEER_PREFIX}/codes/${code}`)

export function encodeRecord (value: VaultRecord | ItemRecord | PairingCodeRecord): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

function decode<T> (key: Key, bytes: Uint8Array): T {
  try {
    return JSON.parse(decoder.decode(bytes)) as T
  } catch (err) {
    throw new StorageFailedError(`backup peer state at ${key.toString()} is unreadable`, { cause: err })
  }
}

export interface StoredPeerState {
  vaults: VaultRecord[]
  items: ItemRecord[]
  codes: Map<string, PairingCodeRecord>
}

/** Reads everything the peer persisted. */
export async function loadPeerState (datastore: Datastore): Promise<StoredPeerState> {
  const vaults: VaultRecord[] = []
  const items: ItemRecord[] = []
  const codes = new Map<string, PairingCodeRecord>()
  for await (const { key, value } of datastore.query({ prefix: `${PEER_PREFIX}/vaults/` })) vaults.push(decode<VaultRecord>(key, value))
  for await (const { key, value } of datastore.query({ prefix: `${PEER_PREFIX}/items/` })) items.push(decode<ItemRecord>(key, value))
  for await (const { key, value } of datastore.query({ prefix: `${PEER_PREFIX}/codes/` })) {
    codes.set(key.baseNamespace(), decode<PairingCodeRecord>(key, value))
  }
  return { vaults, items, codes }
}
