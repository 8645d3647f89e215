import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { VaultLockedError } from '../errors.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { Log } from '../log.ts'
import type { FileLocation, FreedSpace } from './vault-views.ts'
import { KeepRules, type KeepTarget } from './keep-rules.ts'
import { KeptFetcher } from './kept-fetcher.ts'
import { dagPresence, LocalPresence } from './local-presence.ts'

export interface FileLocationsComponents {
  /** This device's own store (never the network): presence is read here and freed blocks deleted. */
  store: Blockstore
  /** Reads that fetch missing blocks from peers and keep them here (Helia's networked blockstore): kept files come through it. */
  fetchStore: Blockstore
  datastore: Datastore
  log: Log
  /** Backup peers (PeerIds) whose last holds report included the root in full (BackupPeers.holdersOf). */
  backupHolders: (root: string) => string[]
  /** Names of other devices that reported holding the root in full; none until sync supplies reports. */
  deviceHolders?: (root: string) => string[]
  /** Those of them that said so just now, asked before freeing (DeviceHoldings.confirmedHolders); `deviceHolders` when absent. */
  confirmedDeviceHolders?: (root: string) => string[]
  /** Roots and blocks of the share copies: never freed here. */
  shareContent: () => Promise<{ roots: string[], blocks: string[] }>
  /** An upload is about to name this root (VaultFiles.inUse): never freed here. */
  inUse?: (root: string) => boolean
  /** Tells connected peers we dropped blocks they sent us, so they send them again when wanted (core/node/bitswap-forget.ts). */
  forgetSent?: (cids: readonly string[]) => Promise<void>
  /**
   * Asks one backup peer or device to send back these blocks, each checked
   * against its CID (core/node/peer-block-proof.ts): its "I hold it" is only
   * its word, and a file is freed on a claim only when this says true.
   * Absent: the claim is taken as said (tests of other things).
   */
  proveHeld?: (peerId: string, cids: readonly string[]) => Promise<boolean>
  /** PeerIds of the devices `confirmedDeviceHolders` names (DeviceHoldings.confirmedHolderIds), asked with `proveHeld`. */
  confirmedDeviceIds?: (root: string) => string[]
  /** Whether a peer is connected to fetch from: kept files wait for one rather than hang. */
  online?: () => boolean
  /** Where files live changed (the node emits `files.locations.changed`). */
  onChanged: () => void
}

export interface FileLocationsInit {
  /** Changes that come in bursts (blocks arriving) are told at most this often. */
  changeDelayMs?: number
  fetchConcurrency?: number
  /** Keep every file whole on this device unless the user says otherwise (an always-on desktop). */
  keepByDefault?: boolean
}

/** What an unlocked vault lends: its index and the key that seals the keep rules (wiped by its owner on lock). */
export interface LocationsSession { index: IndexLog, keepKey: Uint8Array }

const DEFAULT_CHANGE_DELAY_MS = 250

/**
 * Where each file lives (DESIGN §5 "On-demand files"): on this device (all,
 * some or none of its blocks), on which backup peers, on which other
 * devices; "Keep on this device" rules and the background fetch of kept
 * files; "Free up space", which drops the local blocks of live files that a
 * backup peer or another device confirmed holding in full and that are not
 * kept. Only live files' content is freed: earlier versions and the Trash
 * stay, so restoring one never needs a peer. Lives as long as the node;
 * `attach` on unlock, `detach` on lock.
 */
export class FileLocations {
  private readonly presence: LocalPresence
  private readonly fetcher: KeptFetcher
  private session: { index: IndexLog, rules: KeepRules, abort: AbortController } | undefined
  private changeTimer: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly c: FileLocationsComponents, private readonly init: FileLocationsInit = {}) {
    this.presence = new LocalPresence(c.store)
    this.fetcher = new KeptFetcher({
      fetchStore: c.fetchStore,
      log: c.log,
      onDone: (root) => { this.presence.forget(root); this.changedSoon() }
    }, init.fetchConcurrency)
  }

  /** The vault unlocked: load this device's keep rules and fetch what they keep. */
  attach (session: LocationsSession): void {
    this.detach()
    const rules = new KeepRules(this.c.datastore, session.keepKey, this.init.keepByDefault)
    this.session = { index: session.index, rules, abort: new AbortController() }
    void rules.load().then(() => {
      if (rules.damaged) this.c.log.warn('the "Keep on this device" choices stored here are damaged; none apply until you choose again')
    }, () => {})
    void this.fetchKept()
  }

  /** The vault locked: stop fetching, forget the rules. */
  detach (): void {
    this.session?.abort.abort()
    this.session = undefined
    this.presence.clear()
    if (this.changeTimer !== undefined) clearTimeout(this.changeTimer)
    this.changeTimer = undefined
  }

  stop (): void {
    this.detach()
  }

  /** Where every live file lives, by fileId. Throws VAULT_LOCKED. */
  async locations (): Promise<Record<string, FileLocation>> {
    const { index, rules } = this.requireSession()
    await rules.load()
    const files = index.listFiles()
    const out: Record<string, FileLocation> = {}
    for (const file of files) {
      const root = file.entry.cid
      out[file.fileId] = {
        local: (await this.presence.of(root)).local,
        peers: this.c.backupHolders(root),
        devices: this.c.deviceHolders?.(root) ?? [],
        keep: rules.isKept({ fileId: file.fileId, path: file.path })
      }
    }
    this.presence.retainOnly(new Set(files.map(f => f.entry.cid)))
    return out
  }

  /** "Keep on this device" for a file or a folder; a kept file not wholly here is fetched in the background. */
  async keepLocal (target: KeepTarget, keep: boolean): Promise<void> {
    const { index, rules } = this.requireSession()
    await rules.set(target, keep, index.listFiles().map(f => ({ fileId: f.fileId, path: f.path })))
    this.c.log.info(`${keep ? 'keeping' : 'no longer keeping'} ${'fileId' in target ? 'a file' : 'a folder'} on this device`)
    this.c.onChanged()
    if (keep) void this.fetchKept()
  }

  /**
   * "Free up space": drops this device's blocks of every live file that is
   * not kept and that a backup peer or another device confirmed holding in
   * full; a file nobody confirmed is counted in `skipped` and left whole.
   * A claim counts only when the one who made it (a backup peer, or a
   * device whose store says it has the blocks) sends back a sample of the
   * file's blocks (its root and one other, at random) that match their CIDs:
   * a peer that lost them or lies, or a device whose copy is damaged, would
   * otherwise make this delete the only good copy. A file nobody proves is
   * counted in `unproven` and left whole.
   * Never frees a share copy's blocks or the index's op blocks, nor a root
   * an upload is about to name. The files still open: their blocks are
   * fetched again on demand while a peer that holds them is connected.
   */
  async freeUpSpace (): Promise<FreedSpace> {
    const { index, rules } = this.requireSession()
    await rules.load()
    const roots = new Map<string, { files: number, kept: boolean }>()
    for (const file of index.listFiles()) {
      const root = roots.get(file.entry.cid) ?? { files: 0, kept: false }
      root.files++
      // Two files of the same content share one root: kept if either is.
      root.kept ||= rules.isKept({ fileId: file.fileId, path: file.path })
      roots.set(file.entry.cid, root)
    }
    const shares = await this.c.shareContent()
    const shareRoots = new Set(shares.roots)
    const neverFree = new Set([...shares.blocks, ...shares.roots, ...index.blockCids()])
    const freed: FreedSpace = { files: 0, bytes: 0, skipped: 0 }
    const deleted: string[] = []
    // A peer that failed once is not asked again in this run: each ask of a silent peer waits out a timeout.
    const failedPeers = new Set<string>()
    for (const [root, { files, kept }] of roots) {
      if (kept || shareRoots.has(root) || this.c.inUse?.(root) === true) continue
      if ((await this.presence.of(root)).local === 'none') continue
      const devices = (this.c.confirmedDeviceHolders ?? this.c.deviceHolders)?.(root) ?? []
      const peers = this.c.backupHolders(root)
      if (peers.length === 0 && devices.length === 0) {
        freed.skipped += files
        continue
      }
      const { blocks } = await dagPresence(this.c.store, CID.parse(root))
      if (!(await this.someoneProves(root, blocks.map(b => b.cid), devices.length > 0, failedPeers))) {
        freed.unproven = (freed.unproven ?? 0) + files
        continue
      }
      for (const block of blocks) {
        if (neverFree.has(block.cid)) continue
        await this.c.store.delete(CID.parse(block.cid))
        deleted.push(block.cid)
        freed.bytes += block.bytes
      }
      this.presence.forget(root)
      freed.files += files
    }
    await this.c.forgetSent?.(deleted).catch(() => {})
    this.c.log.info(`freed ${freed.bytes} bytes of ${freed.files} ${freed.files === 1 ? 'file' : 'files'} a backup peer or another device holds; ${freed.skipped} left here (nobody else confirmed holding them)`)
    if ((freed.unproven ?? 0) > 0) this.c.log.warn(`${freed.unproven ?? 0} ${freed.unproven === 1 ? 'file' : 'files'} left here: a backup peer or device said it holds them but could not send them back`)
    if (freed.files > 0) this.c.onChanged()
    return freed
  }

  /**
   * True when a device or backup peer that said it holds `root` in full
   * sends back its root and one other block, at random (see
   * {@link freeUpSpace}). `failed`: those that could not, this run.
   */
  private async someoneProves (root: string, blocks: readonly string[], deviceSaid: boolean, failed: Set<string>): Promise<boolean> {
    if (this.c.proveHeld === undefined) return true
    const deviceIds = this.c.confirmedDeviceIds?.(root)
    // A device's word with no way to ask it back (not wired so): taken as said.
    if (deviceSaid && deviceIds === undefined) return true
    const others = blocks.filter(cid => cid !== root)
    const sample = others.length > 0 ? [root, others[randomIndex(others.length)] as string] : [root]
    for (const holder of [...(deviceIds ?? []), ...this.c.backupHolders(root)]) {
      if (failed.has(holder)) continue
      if (await this.c.proveHeld(holder, sample).catch(() => false)) return true
      failed.add(holder)
      this.c.log.warn(`…${holder.slice(-8)} said it holds a file but could not send its blocks back; its copy is not relied on`)
    }
    return false
  }

  /** A block arrived from a peer (an on-demand read): files not wholly here may have become so. */
  blockFetched (): void {
    this.presence.blocksArrived()
    this.changedSoon()
  }

  /** Files were added, moved or renamed: a new file under a kept folder is fetched too. */
  filesChanged (): void {
    this.changedSoon()
    void this.fetchKept()
  }

  /** Which of `roots` this device holds whole (another device of the vault asks, to say "On Laptop"). */
  async heldWhole (roots: string[]): Promise<string[]> {
    const held: string[] = []
    for (const root of roots) if ((await this.presence.of(root)).local === 'all') held.push(root)
    return held
  }

  /** A backup peer or a device reported what it holds. */
  holdersChanged (): void {
    this.changedSoon()
  }

  /** Fetches kept files not wholly here (also the retry after a peer connects); resolves when done. */
  async fetchKept (): Promise<void> {
    const session = this.session
    if (session === undefined) return
    if (this.c.online?.() === false) return
    try {
      await this.fetcher.fetch(async () => await this.keptMissing(session), session.abort.signal)
    } catch (err) {
      if (!session.abort.signal.aborted) this.c.log.warn(`fetching kept files failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  private async keptMissing (session: NonNullable<FileLocations['session']>): Promise<Array<{ root: string, size: number }>> {
    if (this.session !== session) return []
    await session.rules.load()
    const out = new Map<string, number>()
    for (const file of session.index.listFiles()) {
      if (out.has(file.entry.cid) || !session.rules.isKept({ fileId: file.fileId, path: file.path })) continue
      if ((await this.presence.of(file.entry.cid)).local !== 'all') out.set(file.entry.cid, file.entry.size)
    }
    return [...out].map(([root, size]) => ({ root, size }))
  }

  private changedSoon (): void {
    if (this.session === undefined || this.changeTimer !== undefined) return
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined
      this.c.onChanged()
    }, this.init.changeDelayMs ?? DEFAULT_CHANGE_DELAY_MS)
  }

  private requireSession (): NonNullable<FileLocations['session']> {
    if (this.session === undefined) throw new VaultLockedError()
    return this.session
  }
}

/** A uniform index below `n` (n ≥ 1), from the platform's random source: a peer must not guess which block it is asked for. */
function randomIndex (n: number): number {
  const [value] = globalThis.crypto.getRandomValues(new Uint32Array(1))
  return (value ?? 0) % n
}
