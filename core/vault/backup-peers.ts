import { multiaddr } from '@multiformats/multiaddr'
import { BackupState, desiredPins, liveExtraPins, type Desired, type ExtraPin, type PairedPeer } from './backup-state.ts'
import type { Datastore } from 'interface-datastore'
import { CairnError } from '../errors.ts'
import { BackupClient, ManifestLog, peerIdOf, sendPendingManifests } from '../protocols/backup/index.ts'
import { sealPeerList } from './sealed-peer-list.ts'
import { contentLabel, namedContent } from './named-content.ts'
import type { VaultSigner } from '../crypto/vault-signing.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { Log } from '../node/log-buffer.ts'
import type { PeerKeeper } from '../node/peer-keeper.ts'
import type { AddedBackupPeer, BackupPeerInfo, VerifyResult } from '../rpc/api.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

/** How long changes collect before one manifest goes out. */
const SYNC_DELAY_MS = 300
/** How often a paired peer is asked for its status while the vault is unlocked. */
const REFRESH_MS = 3000
const VERIFY_SAMPLE = 32
/** How long "Stop sharing" waits for the peers to confirm before it carries on in the background. */
const DROP_WAIT_MS = 5000
/** Least time between two "pin these again" manifests to one peer. */
const REPIN_MS = 10_000

/**
 * What an unlocked vault lends the backup side: its signing key, its index,
 * and the key that seals its list of peers for the peers to keep (wiped on lock by its owner).
 */
export interface BackupSession { signer: VaultSigner, index: IndexLog, peerListKey?: Uint8Array }

export type { ExtraPin } from './backup-state.ts'

export interface BackupPeersComponents {
  libp2p: Libp2p
  datastore: Datastore
  keeper: PeerKeeper
  log: Log
  onChanged: () => void
  /** More roots to pin (the live shares); asked for whenever a manifest is built. */
  extraPins?: () => ExtraPin[]
}

/**
 * The device's side of backup (DESIGN §5): the paired peers, a manifest
 * outbox per peer, and what each peer reports holding. While the vault is
 * unlocked it tells every peer to hold all file roots and every index op
 * block (and the index heads, for restore), plus the extra pins (shares,
 * with their expiry); the peer fetches them by bitswap.
 */
export class BackupPeers {
  private peers: PairedPeer[] = []
  private readonly info = new Map<string, BackupPeerInfo>()
  private readonly held = new Map<string, Set<string>>()
  private session: { client: BackupClient, index: IndexLog, logs: Map<string, ManifestLog>, peerListKey?: Uint8Array } | undefined
  private syncTimer: ReturnType<typeof setTimeout> | undefined
  private refreshTimer: ReturnType<typeof setInterval> | undefined
  private syncing: Promise<void> = Promise.resolve()
  private readonly lastRepin = new Map<string, number>()
  private readonly state: BackupState

  constructor (private readonly c: BackupPeersComponents, private readonly deviceId: string) {
    this.state = new BackupState(c.datastore)
    this.connected = this.connected.bind(this)
  }

  async start (): Promise<void> {
    this.peers = await this.state.loadPeers()
    for (const peer of this.peers) {
      this.c.keeper.keep(peer.address)
      this.info.set(peer.peerId, emptyInfo(peer))
    }
  }

  /** The vault unlocked: start replicating. */
  async attach (session: BackupSession): Promise<void> {
    this.detach()
    const client = new BackupClient({ libp2p: this.c.libp2p }, { signer: session.signer })
    this.session = { client, index: session.index, logs: new Map(), ...(session.peerListKey !== undefined ? { peerListKey: session.peerListKey } : {}) }
    for (const peer of this.peers) await this.logFor(peer.peerId)
    this.refreshTimer = setInterval(() => { void this.refreshAll() }, REFRESH_MS)
    this.c.libp2p.addEventListener('peer:connect', this.connected)
    void this.refreshAll()
    void this.publishPeerList()
    this.changed()
  }

  /**
   * Gives every paired peer the vault's peer list, sealed so that only the
   * vault can read it: a vault restored from any of them comes back paired
   * with all of them. Best effort; a peer that misses it gets it at the next unlock.
   */
  private async publishPeerList (): Promise<void> {
    const session = this.session
    if (session?.peerListKey === undefined || this.peers.length === 0) return
    const sealed = sealPeerList(session.peerListKey, this.peers)
    await Promise.all(this.peers.map(async peer => {
      try {
        await session.client.peerList(this.addressOf(peer.peerId), sealed)
      } catch (err) {
        this.noteError(peer.peerId, err)
      }
    }))
  }

  /**
   * A paired peer serves the vault's blocks only to a connection that proved
   * it belongs to the vault (a signed request): ask its status at once, so
   * replication, restore and repair find the connection proven.
   */
  private connected (event: CustomEvent<PeerId>): void {
    const peerId = event.detail.toString()
    if (this.peers.some(p => p.peerId === peerId)) void this.refresh(peerId).catch((err: unknown) => { this.noteError(peerId, err) })
  }

  /** The vault locked: stop; the signer is wiped by its owner. */
  detach (): void {
    this.c.libp2p.removeEventListener('peer:connect', this.connected)
    this.session = undefined
    if (this.syncTimer !== undefined) clearTimeout(this.syncTimer)
    if (this.refreshTimer !== undefined) clearInterval(this.refreshTimer)
    this.syncTimer = undefined
    this.refreshTimer = undefined
  }

  stop (): void {
    this.detach()
  }

  async add (address: string, code: string): Promise<AddedBackupPeer> {
    const session = this.requireSession()
    let ma
    try {
      ma = multiaddr(address.trim())
    } catch (err) {
      throw new CairnError('ADDRESS_INVALID', `That is not a peer address: ${address}`, { cause: err })
    }
    const peerId = peerIdOf(ma)
    const { alreadyPaired } = await session.client.pair(ma, code)
    const peer: PairedPeer = { peerId, address: ma.toString(), addedAt: Date.now() }
    this.peers = [...this.peers.filter(p => p.peerId !== peerId), peer]
    await this.savePeers()
    this.c.keeper.keep(peer.address)
    this.info.set(peerId, { ...emptyInfo(peer), online: true, lastSeen: Date.now() })
    this.c.log.info(alreadyPaired ? `reconnected to backup peer …${peerId.slice(-8)}, which already keeps this vault` : `paired backup peer …${peerId.slice(-8)}`)
    await this.logFor(peerId)
    this.changed()
    await this.refresh(peerId)
    void this.publishPeerList()
    return { ...this.info.get(peerId) as BackupPeerInfo, reconnected: alreadyPaired }
  }

  /**
   * Remembers peers that already keep this vault (the one a restore came
   * from): no pairing request, no code. Replication to them starts when the
   * vault is unlocked.
   */
  async adopt (peers: Array<Omit<PairedPeer, 'addedAt'>>): Promise<void> {
    const known = new Set(this.peers.map(p => p.peerId))
    const fresh: PairedPeer[] = []
    for (const peer of peers) {
      if (known.has(peer.peerId)) continue
      known.add(peer.peerId)
      fresh.push({ peerId: peer.peerId, address: peer.address, addedAt: Date.now() })
    }
    if (fresh.length === 0) return
    this.peers = [...this.peers, ...fresh]
    await this.savePeers()
    for (const peer of fresh) {
      this.c.keeper.keep(peer.address)
      this.info.set(peer.peerId, emptyInfo(peer))
      if (this.session !== undefined) await this.logFor(peer.peerId)
      this.c.log.info(`backup peer …${peer.peerId.slice(-8)} already keeps this vault; backing up to it`)
    }
    void this.publishPeerList()
    this.changed()
    this.c.onChanged()
  }

  async remove (peerId: string): Promise<void> {
    const peer = this.peers.find(p => p.peerId === peerId)
    if (peer === undefined) return
    this.peers = this.peers.filter(p => p.peerId !== peerId)
    await this.savePeers()
    this.c.keeper.forget(peer.address)
    this.info.delete(peerId)
    this.held.delete(peerId)
    this.session?.logs.delete(peerId)
    void this.publishPeerList()
    this.c.onChanged()
  }

  list (): BackupPeerInfo[] {
    return this.peers.map(p => this.info.get(p.peerId) ?? emptyInfo(p))
  }

  /** True when some paired peer holds the whole DAG of `cid`. */
  holds (cid: string): boolean {
    for (const set of this.held.values()) if (set.has(cid)) return true
    return false
  }

  /** The paired peers whose last `holds` answer included `cid` (a file or an extra pin). */
  holdersOf (cid: string): string[] {
    return this.peers.filter(p => this.held.get(p.peerId)?.has(cid) === true).map(p => p.peerId)
  }

  /**
   * Frees these roots on every paired peer at once, without retention
   * ("Stop sharing"). The caller has already taken them out of the extra
   * pins. A peer that cannot be reached keeps the drop in its outbox and
   * gets it when it is back; its error is noted, not thrown.
   */
  async drop (cids: string[]): Promise<void> {
    this.requireSession()
    if (cids.length === 0) return
    const gone = new Set(cids)
    for (const peer of this.peers) {
      const log = await this.logFor(peer.peerId)
      await this.state.exclusive(async () => {
        await log.append({ pin: [], unpin: [], drop: cids })
        // Out of the pin set, so the next diff does not send them again as unpin.
        const sent = await this.state.readPinSet(peer.peerId)
        await this.state.writePinSet(peer.peerId, [...sent].filter(cid => !gone.has(cid)))
      })
      for (const cid of cids) this.held.get(peer.peerId)?.delete(cid)
    }
    this.c.onChanged()
    const sent = Promise.all(this.peers.map(async peer => {
      const session = this.session
      if (session === undefined) return
      try {
        await sendPendingManifests(session.client, this.addressOf(peer.peerId), await this.logFor(peer.peerId), this.sendOptions(peer.peerId))
      } catch (err) {
        this.noteError(peer.peerId, err)
      }
    }))
    // The drop is queued durably above; an unreachable peer gets it when it is back,
    // so "Stop sharing" waits only briefly for the peers to confirm.
    await Promise.race([sent, new Promise(resolve => setTimeout(resolve, DROP_WAIT_MS))])
  }

  async verify (peerId: string): Promise<VerifyResult> {
    const session = this.requireSession()
    const report = await session.client.verify(this.addressOf(peerId), VERIFY_SAMPLE)
    const repaired = new Set(report.repaired ?? [])
    this.c.log.info(`verify on backup peer …${peerId.slice(-8)}: ${report.passed}/${report.checked} blocks good` +
      (report.bad.length > 0 ? `, ${report.bad.length} bad, ${repaired.size} fetched again from this vault's devices` : ''))
    // The peer says under which root each bad block was; the index maps roots to names,
    // an earlier version's and a Trash item's too (a live file's name wins).
    const pathOf = new Map(namedContent(session.index).reverse().map(n => [n.cid, contentLabel(n)]))
    const damaged = report.bad.map(cid => {
      const file = pathOf.get(report.roots?.[cid] ?? '')
      return { cid, repaired: repaired.has(cid), ...(file !== undefined ? { file } : {}) }
    })
    // Not repaired at once: the peer queued the root again; tell it soon what it lacks.
    if (damaged.some(d => !d.repaired)) this.changed()
    return { checked: report.checked, ok: report.passed, bad: report.bad, damaged }
  }

  /** Something in the vault changed: tell the peers soon (changes are batched). */
  changed (): void {
    if (this.session === undefined) return
    if (this.syncTimer !== undefined) clearTimeout(this.syncTimer)
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined
      this.syncing = this.syncing.then(async () => { await this.syncAll() }, async () => { await this.syncAll() })
    }, SYNC_DELAY_MS)
  }

  private desired (index: IndexLog): Desired {
    return desiredPins(index, this.c.extraPins?.() ?? [])
  }

  private async syncAll (): Promise<void> {
    for (const peer of this.peers) {
      try {
        await this.sync(peer.peerId)
      } catch (err) {
        this.noteError(peer.peerId, err)
      }
    }
  }

  private async sync (peerId: string): Promise<void> {
    const session = this.session
    if (session === undefined) return
    const log = await this.logFor(peerId)
    await this.state.exclusive(async () => {
      const { pins, heads, expires, shares } = this.desired(session.index)
      const sent = await this.state.readPinSet(peerId)
      // Share copies the peer has not had marked (pinned before marks existed) are pinned
      // again with their mark, so the peer serves them to their links' recipients.
      const marked = await this.state.readShareSet(peerId)
      const remark = new Set(shares.filter(cid => !marked.has(cid)))
      const pin = pins.filter(cid => !sent.has(cid) || remark.has(cid))
      const current = new Set(pins)
      const unpin = [...sent].filter(cid => !current.has(cid))
      if (pin.length > 0 || unpin.length > 0) {
        await log.append({ pin, unpin, heads, expires, shares })
        await this.state.writePinSet(peerId, pins)
      }
      if (remark.size > 0 || marked.size !== shares.length) await this.state.writeShareSet(peerId, shares)
    })
    if (log.pending().length > 0) await sendPendingManifests(session.client, this.addressOf(peerId), log, this.sendOptions(peerId))
    await this.refresh(peerId)
  }

  private async refreshAll (): Promise<void> {
    for (const peer of this.peers) await this.refresh(peer.peerId).catch((err: unknown) => { this.noteError(peer.peerId, err) })
  }

  private async refresh (peerId: string): Promise<void> {
    const session = this.session
    if (session === undefined) return
    const peer = this.peers.find(p => p.peerId === peerId)
    if (peer === undefined) return
    const address = this.addressOf(peerId)
    // Manifests a restarted or unreachable peer never acknowledged go out again.
    const log = await this.logFor(peerId)
    if (log.pending().length > 0) await sendPendingManifests(session.client, address, log, this.sendOptions(peerId))
    const status = await session.client.status(address)
    const files = [...new Set(session.index.listFiles().map(f => f.entry.cid))]
    // Versions and Trash items are asked about too, so one the peer lacks is pinned again.
    const asked = [...new Set([...files, ...session.index.retainedCids(), ...liveExtraPins(this.c.extraPins?.() ?? []).map(pin => pin.cid)])]
    const held = asked.length > 0 ? await session.client.holds(address, asked) : new Set<string>()
    this.held.set(peerId, held)
    await this.repinMissing(peerId, asked.filter(cid => !held.has(cid)), status.pending)
    const before = JSON.stringify(this.info.get(peerId))
    this.info.set(peerId, {
      peerId,
      address: peer.address,
      online: true,
      lastSeen: Date.now(),
      filesReplicated: files.filter(cid => held.has(cid)).length,
      bytesReplicated: status.bytes,
      pending: status.pending,
      failed: status.failed.map(f => ({ cid: f.cid, reason: f.reason })),
      ...(status.retentionMs !== undefined ? { keepsDeleted: { appendOnly: status.appendOnly === true, retentionMs: status.retentionMs } } : {})
    })
    if (JSON.stringify(this.info.get(peerId)) !== before) this.c.onChanged()
  }

  /**
   * The peer is idle yet lacks some files or extra pins (it crashed before it
   * persisted a manifest, or gave up after retries): pin them again, with
   * their expiry (a pin without one would clear it), which also makes it
   * retry at once. At most every REPIN_MS per peer.
   */
  private async repinMissing (peerId: string, missing: string[], peerPending: number): Promise<void> {
    const session = this.session
    if (session === undefined || missing.length === 0 || peerPending > 0) return
    const last = this.lastRepin.get(peerId) ?? 0
    if (Date.now() - last < REPIN_MS) return
    this.lastRepin.set(peerId, Date.now())
    this.c.log.info(`backup peer …${peerId.slice(-8)} lacks ${missing.length} roots and is idle; asking again`)
    const log = await this.logFor(peerId)
    const { heads, expires, shares } = this.desired(session.index)
    await log.append({ pin: missing, unpin: [], heads, expires, shares })
    await sendPendingManifests(session.client, this.addressOf(peerId), log, this.sendOptions(peerId))
  }

  /** An append-only peer keeps what the vault deleted: say so in the log (the peer card says it too). */
  private sendOptions (peerId: string): { onDeletionsRefused: (count: number) => void } {
    return {
      onDeletionsRefused: (count) => {
        this.c.log.info(`backup peer …${peerId.slice(-8)} is append-only: it keeps ${count} deleted or unshared item(s), as its operator chose`)
      }
    }
  }

  private noteError (peerId: string, err: unknown): void {
    const info = this.info.get(peerId)
    if (info === undefined) return
    const message = err instanceof Error ? err.message : String(err)
    const online = this.c.libp2p.getConnections().some(conn => conn.remotePeer.toString() === peerId)
    if (info.lastError !== message || info.online !== online) {
      this.info.set(peerId, { ...info, online, lastError: message })
      this.c.log.warn(`backup peer …${peerId.slice(-8)}: ${message}`)
      this.c.onChanged()
    }
  }

  private async logFor (peerId: string): Promise<ManifestLog> {
    const session = this.requireSession()
    let log = session.logs.get(peerId)
    if (log === undefined) {
      log = new ManifestLog({ datastore: this.c.datastore }, {
        peer: peerId,
        device: this.deviceId,
        snapshot: async () => {
          const { pins, heads, expires, shares } = this.desired(session.index)
          return { pin: pins, heads, expires, shares }
        }
      })
      await log.start()
      session.logs.set(peerId, log)
    }
    return log
  }

  private addressOf (peerId: string): ReturnType<typeof multiaddr> {
    const peer = this.peers.find(p => p.peerId === peerId)
    if (peer === undefined) throw new CairnError('NOT_PAIRED', 'That backup peer is not paired with this vault')
    return multiaddr(peer.address)
  }

  private requireSession (): NonNullable<BackupPeers['session']> {
    if (this.session === undefined) throw new CairnError('VAULT_LOCKED', 'Unlock the vault first')
    return this.session
  }

  private async savePeers (): Promise<void> {
    await this.state.savePeers(this.peers)
  }
}

function emptyInfo (peer: PairedPeer): BackupPeerInfo {
  return { peerId: peer.peerId, address: peer.address, online: false, lastSeen: 0, filesReplicated: 0, bytesReplicated: 0, pending: 0, failed: [] }
}
