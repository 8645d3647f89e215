import { CairnError } from '../../errors.ts'
import { MAX_FAILED_LISTED } from './constants.ts'
import type { ManifestBody, VaultBackupStatus } from './messages.ts'
import type { ItemRecord, StoredPeerState, VaultRecord } from './peer-store.ts'

/** One paired vault in memory: its record and its items by root CID. */
export interface VaultEntry {
  record: VaultRecord
  items: Map<string, ItemRecord>
}

/** What applying a manifest changed, to persist in one batch. */
export interface ManifestChange {
  record: VaultRecord
  items: ItemRecord[]
  /** Items the manifest dropped: to free at once. */
  dropped: ItemRecord[]
}

/**
 * The peer's bookkeeping, in memory: which vaults are paired, what each
 * pinned, and how many bytes each holds. Pure: persisting is the caller's
 * job (it writes what these methods return or change).
 */
export class VaultLedger {
  readonly vaults = new Map<string, VaultEntry>()

  load (state: StoredPeerState): void {
    this.vaults.clear()
    for (const record of state.vaults) this.vaults.set(record.vault, { record, items: new Map() })
    for (const item of state.items) this.vaults.get(item.vault)?.items.set(item.cid, item)
  }

  get (vault: string): VaultEntry | undefined {
    return this.vaults.get(vault)
  }

  /** Adds a paired vault (no-op when it is already paired); returns its record. */
  pair (vault: string, now: number): VaultRecord {
    const existing = this.vaults.get(vault)
    if (existing !== undefined) return existing.record
    const record: VaultRecord = { vault, pairedAt: now, lastSeq: {}, heads: {} }
    this.vaults.set(vault, { record, items: new Map() })
    return record
  }

  /** Bytes held for a vault: every fetched root, unpinned ones included until freed. */
  heldBytes (vault: string): number {
    let bytes = 0
    for (const item of this.vaults.get(vault)?.items.values() ?? []) bytes += item.bytes
    return bytes
  }

  /** Held bytes plus what pending roots declared they will take. */
  committedBytes (vault: string): number {
    let bytes = 0
    for (const item of this.vaults.get(vault)?.items.values() ?? []) bytes += item.state === 'pending' ? Math.max(item.bytes, item.declared) : item.bytes
    return bytes
  }

  /** Every item of every vault. */
  * items (): Generator<ItemRecord> {
    for (const entry of this.vaults.values()) yield * entry.items.values()
  }

  /** True when a vault other than `except` holds or wants `cid`. */
  wantedElsewhere (cid: string, except: string): boolean {
    for (const [vault, entry] of this.vaults) {
      if (vault !== except && entry.items.has(cid)) return true
    }
    return false
  }

  /**
   * Applies a manifest whose seq is the next one for its device (the caller
   * checked pairing, signature and seq). Unpins first, then pins, so a root
   * in both stays pinned; drops last (never also pinned: parseRequest), due
   * now. A pin sets the root's expiry from `expires`, or clears it. Throws QUOTA_EXCEEDED, changing nothing, when the
   * new roots' declared sizes (or an already full vault) exceed the quota.
   */
  applyManifest (vault: string, manifest: ManifestBody, quotaBytes: number, retentionMs: number, now: number): ManifestChange {
    const entry = this.vaults.get(vault)
    if (entry === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
    const fresh = manifest.pin.filter(cid => { const item = entry.items.get(cid); return item === undefined || item.state === 'failed' })
    if (fresh.length > 0) {
      const incoming = fresh.reduce((sum, cid) => sum + (manifest.sizes?.[cid] ?? 0), 0)
      const committed = this.committedBytes(vault)
      if (committed >= quotaBytes || committed + incoming > quotaBytes) {
        throw new CairnError('QUOTA_EXCEEDED', `the vault's quota on this peer is ${quotaBytes} bytes; ${committed} are used or promised and the manifest adds ${incoming}`)
      }
    }
    const changed = new Map<string, ItemRecord>()
    for (const cid of manifest.unpin) {
      const item = entry.items.get(cid)
      if (item === undefined || item.unpinAt !== undefined) continue
      item.unpinAt = now + retentionMs
      changed.set(cid, item)
    }
    for (const cid of manifest.pin) {
      const declared = manifest.sizes?.[cid] ?? 0
      let item = entry.items.get(cid)
      if (item === undefined) {
        item = { vault, cid, state: 'pending', bytes: 0, declared, attempts: 0, nextAt: now, addedAt: now }
        entry.items.set(cid, item)
      } else {
        delete item.unpinAt
        delete item.dropped
        if (item.state === 'failed') {
          item.state = 'pending'
          item.attempts = 0
          item.nextAt = now
          item.declared = declared
          delete item.reason
        }
      }
      const expiresAt = manifest.expires?.[cid]
      if (expiresAt !== undefined) item.expiresAt = expiresAt
      else delete item.expiresAt
      if (manifest.shares?.includes(cid) === true) item.share = true
      else delete item.share
      changed.set(cid, item)
    }
    const dropped: ItemRecord[] = []
    for (const cid of manifest.drop ?? []) {
      const item = entry.items.get(cid)
      if (item === undefined) continue
      item.unpinAt = now
      item.dropped = true
      changed.set(cid, item)
      dropped.push(item)
    }
    const record = entry.record
    record.lastSeq[manifest.device] = manifest.seq
    for (const [device, head] of Object.entries(manifest.heads ?? {})) {
      if ((record.heads[device]?.seq ?? 0) < head.seq) record.heads[device] = { cid: head.cid, seq: head.seq }
    }
    return { record, items: [...changed.values()], dropped }
  }

  /** Pending roots of a vault that wait out a backoff: try them now (its device just spoke, so it is online). */
  hurry (vault: string, now: number): void {
    for (const item of this.vaults.get(vault)?.items.values() ?? []) {
      if (item.state === 'pending' && item.nextAt > now) item.nextAt = now
    }
  }

  remove (item: ItemRecord): void {
    this.vaults.get(item.vault)?.items.delete(item.cid)
  }

  status (vault: string, quotaBytes: number): VaultBackupStatus {
    const entry = this.vaults.get(vault)
    const status: VaultBackupStatus = { pinned: 0, bytes: 0, quotaBytes, pending: 0, failed: [], failedCount: 0, unpinning: 0, lastSeq: { ...entry?.record.lastSeq } }
    for (const item of entry?.items.values() ?? []) {
      status.bytes += item.bytes
      if (item.unpinAt !== undefined || (item.expiresAt !== undefined && item.expiresAt <= Date.now())) status.unpinning++
      else if (item.state === 'pinned') status.pinned++
      else if (item.state === 'pending') status.pending++
      else {
        status.failedCount++
        if (status.failed.length < MAX_FAILED_LISTED) status.failed.push({ cid: item.cid, reason: item.reason ?? 'unknown', attempts: item.attempts })
      }
    }
    return status
  }
}
