import { CairnError, QuotaExceededError } from '../../errors.ts'
import { MAX_FAILED_LISTED, MAX_VAULT_DEVICES } from './constants.ts'
import type { RootHolders } from './block-access.ts'
import type { ManifestBody, VaultBackupStatus } from './messages.ts'
import { holdsRoot, isShareCopy, servedToAnyone, type ItemRecord, type StoredPeerState, type VaultRecord } from './peer-store.ts'

/** One paired vault in memory: its record and its items by root CID. */
export interface VaultEntry {
  record: VaultRecord
  items: Map<string, ItemRecord>
}

/** The peer's settings a manifest is checked against. */
export interface ManifestPolicy {
  quotaBytes: number
  retentionMs: number
  /** Refuse every deletion (`cairn-peer --append-only`). */
  appendOnly: boolean
  /** Most roots one vault may have here. */
  maxRoots: number
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
  /** Bytes fetched so far per root being fetched (`vault/cid`); in memory only. */
  private readonly inFlight = new Map<string, number>()

  load (state: StoredPeerState): void {
    this.vaults.clear()
    for (const record of state.vaults) this.vaults.set(record.vault, { record, items: new Map() })
    for (const item of state.items) {
      // Records from before `share` existed: only share copies had an expiry.
      if (isShareCopy(item)) item.share = true
      this.vaults.get(item.vault)?.items.set(item.cid, item)
    }
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

  /**
   * Held bytes plus, for each root not yet held, the most of what it declared
   * and what has arrived so far (bytes in flight count: a device that
   * declares nothing cannot run past the quota while its roots are fetched).
   */
  committedBytes (vault: string): number {
    let bytes = 0
    for (const item of this.vaults.get(vault)?.items.values() ?? []) {
      bytes += item.state === 'pending' ? Math.max(item.bytes, item.declared, this.inFlight.get(flightKey(item)) ?? 0) : item.bytes
    }
    return bytes
  }

  /** Bytes of `item` fetched so far (while it is being fetched); `undefined` when the fetch ended. */
  setInFlight (item: ItemRecord, bytes: number | undefined): void {
    if (bytes === undefined) this.inFlight.delete(flightKey(item))
    else this.inFlight.set(flightKey(item), bytes)
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
   * in both stays pinned; drops last (never also pinned: parseRequest).
   *
   * What a signed manifest may delete (a stolen device holds the signing key,
   * so the rule cannot trust the manifest alone):
   * - A root is a share copy when its first pin named it one (in `shares`, or
   *   with an expiry), and stays one only while every later pin does too; one
   *   pin as vault data makes it vault data for good, never back. Share copies
   *   are fresh encryptions (DESIGN §3), so no vault root is first pinned as
   *   one, and re-pinning a vault root as a share cannot make it deletable.
   *   A root pinned before the peer knew share copies (`share` unset) that a
   *   pin names a share copy is `listed`: served to anyone like one (its link
   *   works again), deleted like vault data (the peer cannot tell which it was).
   * - `drop` and `expires` free at once (or at the expiry) share copies only.
   *   A dropped vault root is unpinned instead: kept for the retention period,
   *   like every unpinned root. An expiry given for a vault root is ignored.
   * - An expiry already past (by the peer's clock) refuses the manifest
   *   (SHARE_EXPIRY_INVALID): nothing is freed early.
   * - An append-only peer refuses (DELETION_REFUSED) any manifest that would
   *   delete: unpin a root it has, drop a vault root, or bring a share copy's
   *   expiry forward (or give one that had none an expiry). A share copy keeps the
   *   expiry it was created with; dropped, it is kept but served to nobody.
   * Refusals change nothing. So do QUOTA_EXCEEDED (the new roots' declared
   * sizes, plus what is held, in flight or promised, exceed the quota),
   * TOO_MANY_ROOTS (the vault would have more roots than allowed) and
   * TOO_MANY_DEVICES (the record would keep heads or seqs for more devices
   * than a vault can have, MAX_VAULT_DEVICES). Heads are kept for good, those
   * of removed devices too: their chains still hold the vault's history, which
   * a restore needs; a vault's device book never names more devices than that.
   */
  applyManifest (vault: string, manifest: ManifestBody, policy: ManifestPolicy, now: number): ManifestChange {
    const entry = this.vaults.get(vault)
    if (entry === undefined) throw new CairnError('NOT_PAIRED', 'this vault is not paired with the peer')
    this.checkManifest(entry, manifest, policy, now)
    const shares = new Set(manifest.shares ?? [])
    const changed = new Map<string, ItemRecord>()
    const unpin = (item: ItemRecord): void => {
      if (item.unpinAt !== undefined) return
      item.unpinAt = now + policy.retentionMs
      changed.set(item.cid, item)
    }
    for (const cid of manifest.unpin) {
      const item = entry.items.get(cid)
      if (item !== undefined) unpin(item)
    }
    for (const cid of manifest.pin) {
      const declared = manifest.sizes?.[cid] ?? 0
      const asShare = shares.has(cid) || manifest.expires?.[cid] !== undefined
      let item = entry.items.get(cid)
      if (item === undefined) {
        item = { vault, cid, state: 'pending', bytes: 0, declared, attempts: 0, nextAt: now, addedAt: now, share: asShare }
        entry.items.set(cid, item)
      } else {
        delete item.unpinAt
        delete item.dropped
        if (!asShare) {
          // Vault data for good once pinned as such (see above).
          item.share = false
          delete item.listed
        } else if (item.share === undefined) {
          // Pinned before the peer knew share copies, now named one: served to
          // anyone, but deleted like vault data (it may be vault data).
          item.listed = true
        }
        if (item.state === 'failed') {
          item.state = 'pending'
          item.attempts = 0
          item.nextAt = now
          item.declared = declared
          delete item.reason
        }
      }
      const expiresAt = manifest.expires?.[cid]
      if (expiresAt !== undefined && item.share === true) item.expiresAt = expiresAt
      else delete item.expiresAt
      changed.set(cid, item)
    }
    const dropped: ItemRecord[] = []
    for (const cid of manifest.drop ?? []) {
      const item = entry.items.get(cid)
      if (item === undefined) continue
      if (!isShareCopy(item)) {
        unpin(item)
        continue
      }
      item.unpinAt = now
      item.dropped = true
      changed.set(cid, item)
      dropped.push(item)
    }
    const record = entry.record
    record.lastSeq[manifest.device] = manifest.seq
    for (const [device, head] of Object.entries(manifest.heads ?? {})) {
      // The MAC is kept as sent (the peer cannot check it; a restoring device does).
      // A MAC'd head replaces an un-MAC'd one of the same seq (a device that upgraded).
      const stored = record.heads[device]
      if ((stored?.seq ?? 0) < head.seq || (stored?.seq === head.seq && stored.mac === undefined && head.mac !== undefined)) {
        record.heads[device] = head.mac === undefined ? { cid: head.cid, seq: head.seq } : { cid: head.cid, seq: head.seq, mac: head.mac }
      }
    }
    return { record, items: [...changed.values()], dropped }
  }

  /** Throws the refusal a manifest earns, if any (see applyManifest); changes nothing. */
  private checkManifest (entry: VaultEntry, manifest: ManifestBody, policy: ManifestPolicy, now: number): void {
    const devices = devicesAfter(entry.record, manifest)
    if (devices.heads > MAX_VAULT_DEVICES || devices.seqs > MAX_VAULT_DEVICES) {
      throw new CairnError('TOO_MANY_DEVICES', `a vault has at most ${MAX_VAULT_DEVICES} devices, and after this manifest the peer would keep index heads for ${devices.heads} and manifests from ${devices.seqs}; it applied nothing`)
    }
    for (const [cid, at] of Object.entries(manifest.expires ?? {})) {
      if (at <= now) throw new CairnError('SHARE_EXPIRY_INVALID', `the expiry of ${cid} (${new Date(at).toISOString()}) has already passed by this peer's clock; the peer frees nothing early`)
    }
    if (policy.appendOnly) {
      const deletions = this.deletions(entry, manifest)
      if (deletions > 0) throw new CairnError('DELETION_REFUSED', `this backup peer is append-only: it never deletes, so it refused a manifest that would delete ${deletions} root(s); everything it holds stays`)
    }
    const fresh = manifest.pin.filter(cid => { const item = entry.items.get(cid); return item === undefined || item.state === 'failed' })
    if (fresh.length === 0) return
    const added = fresh.filter(cid => !entry.items.has(cid)).length
    if (entry.items.size + added > policy.maxRoots) {
      throw new CairnError('TOO_MANY_ROOTS', `this peer keeps at most ${policy.maxRoots} roots per vault; the vault has ${entry.items.size} and the manifest adds ${added}`)
    }
    const incoming = fresh.reduce((sum, cid) => sum + (manifest.sizes?.[cid] ?? 0), 0)
    const committed = this.committedBytes(entry.record.vault)
    if (committed >= policy.quotaBytes || committed + incoming > policy.quotaBytes) {
      throw new QuotaExceededError(`the vault's quota on this peer is ${policy.quotaBytes} bytes; ${committed} are stored, being fetched or promised, and the manifest adds ${incoming}`)
    }
  }

  /**
   * How many roots the manifest would delete now or later: unpins of roots
   * held, drops of vault roots held, expiries brought forward. A drop of a
   * share copy is no deletion here: an append-only peer keeps its blocks
   * (dueAt) but stops serving them, so "Stop sharing" still ends the link.
   */
  private deletions (entry: VaultEntry, manifest: ManifestBody): number {
    const pinned = new Set(manifest.pin)
    const held = (cid: string): boolean => !pinned.has(cid) && entry.items.has(cid) && entry.items.get(cid)?.unpinAt === undefined
    const vaultRoot = (cid: string): boolean => { const item = entry.items.get(cid); return item !== undefined && !isShareCopy(item) && item.listed !== true }
    let count = manifest.unpin.filter(held).length + (manifest.drop ?? []).filter(cid => held(cid) && vaultRoot(cid)).length
    for (const [cid, at] of Object.entries(manifest.expires ?? {})) {
      const item = entry.items.get(cid)
      if (item !== undefined && item.share === true && at < (item.expiresAt ?? Infinity)) count++
    }
    return count
  }

  /**
   * Who holds `root`: every vault whose item for it holds it (holdsRoot: its
   * fetch from that vault's own devices finished; naming a CID in a manifest
   * is no claim to it); a share when every one of them serves it to anyone
   * (servedToAnyone). One vault's share mark must not open a root another
   * vault keeps as its own data.
   */
  holders (root: string, now: number): RootHolders {
    const holders: RootHolders = { vaults: [], share: false }
    let open = true
    for (const [vault, entry] of this.vaults) {
      const item = entry.items.get(root)
      if (item === undefined || !holdsRoot(item)) continue
      holders.vaults.push(vault)
      if (!servedToAnyone(item, now)) open = false
    }
    holders.share = open && holders.vaults.length > 0
    return holders
  }

  /** Pending roots of a vault that wait out a backoff: try them now (its device just spoke, so it is online). */
  hurry (vault: string, now: number): void {
    for (const item of this.vaults.get(vault)?.items.values() ?? []) {
      if (item.state === 'pending' && item.nextAt > now) item.nextAt = now
    }
  }

  remove (item: ItemRecord): void {
    this.vaults.get(item.vault)?.items.delete(item.cid)
    this.inFlight.delete(flightKey(item))
  }

  status (vault: string, policy: Pick<ManifestPolicy, 'quotaBytes' | 'retentionMs' | 'appendOnly'>, now: number): VaultBackupStatus {
    const entry = this.vaults.get(vault)
    const { quotaBytes, retentionMs, appendOnly } = policy
    const status: VaultBackupStatus = { pinned: 0, bytes: 0, quotaBytes, pending: 0, failed: [], failedCount: 0, unpinning: 0, lastSeq: { ...entry?.record.lastSeq }, retentionMs, appendOnly, inFlightBytes: 0 }
    for (const item of entry?.items.values() ?? []) {
      status.bytes += item.bytes
      if (item.state === 'pending') status.inFlightBytes = (status.inFlightBytes ?? 0) + (this.inFlight.get(flightKey(item)) ?? 0)
      if (item.unpinAt !== undefined || (item.expiresAt !== undefined && item.expiresAt <= now)) status.unpinning++
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

/** How many devices `record` would keep heads and manifest seqs for once `manifest` is applied. */
function devicesAfter (record: VaultRecord, manifest: ManifestBody): { heads: number, seqs: number } {
  const newHeads = Object.keys(manifest.heads ?? {}).filter(device => !Object.hasOwn(record.heads, device)).length
  return {
    heads: Object.keys(record.heads).length + newHeads,
    seqs: Object.keys(record.lastSeq).length + (Object.hasOwn(record.lastSeq, manifest.device) ? 0 : 1)
  }
}

function flightKey (item: ItemRecord): string {
  return `${item.vault}/${item.cid}`
}
