import { multiaddr } from '@multiformats/multiaddr'
import { BackupState, type ExtraPin, type PairedPeer } from './backup-state.ts'
import type { Datastore } from 'interface-datastore'
import { AddressInvalidError, CairnError, VaultLockedError } from '../../../errors.ts'
import { BackupClient, peerIdOf } from '../index.ts'
import { PeerManifests } from './backup-manifests.ts'
import { PeerReports } from './backup-peer-reports.ts'
import { VERIFY_SAMPLE, verifyResult } from './backup-verify.ts'
import { sealPeerList } from './sealed-peer-list.ts'
import type { VaultSigner } from '../../../crypto/vault-signing.ts'
import type { IndexLog } from '../../../index/index-log.ts'
import type { Log } from '../../../log.ts'
import type { Clock } from '../../../clock.ts'
import type { AddedBackupPeer, BackupPeerInfo, VerifyResult } from './peer-status.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

/** How long changes collect before one manifest goes out. */
const SYNC_DELAY_MS = 300
/** How often a paired peer is asked for its status while the vault is unlocked. */
const REFRESH_MS = 3000
/** How long "Stop sharing" waits for the peers to confirm before it carries on in the background. */
const DROP_WAIT_MS = 5000

/**
 * What an unlocked vault lends the backup side: its signing key, its index,
 * and the key that seals its list of peers for the peers to keep (wiped on lock by its owner).
 */
export interface BackupSession { signer: VaultSigner, index: IndexLog, peerListKey?: Uint8Array }

export type { ExtraPin } from './backup-state.ts'

/** The addresses the node keeps connected (node/peer-keeper.ts implements it): a paired peer is kept, a removed one forgotten. */
export interface KeptAddresses {
  keep: (address: string) => string
  forget: (address: string) => void
}

export interface BackupPeersComponents {
  libp2p: Libp2p
  datastore: Datastore
  keeper: KeptAddresses
  log: Log
  onChanged: () => void
  /** More roots to pin (the live shares); asked for whenever a manifest is built. */
  extraPins?: () => ExtraPin[]
  /** The clock share expiries, repin pauses and pairing times are read from (default the system clock; tests move it by hand). */
  now?: Clock
  /** A paired peer answered VAULT_ROTATED: another device rotated the vault key (core/node/rotated-elsewhere.ts). */
  onVaultRotated?: (peerId: string) => void
}

/**
 * The device's side of backup (DESIGN §5): the paired peers, a manifest
 * outbox per peer, and what each peer reports holding. While the vault is
 * unlocked it tells every peer to hold all file roots and every index op
 * block (and the index heads, for restore), plus the extra pins (shares,
 * with their expiry); the peer fetches them by bitswap. The manifests
 * themselves are built and sent by PeerManifests (backup-manifests.ts);
 * what each peer reports is kept by PeerReports (backup-peer-reports.ts);
 * verify reports are put in words by backup-verify.ts.
 */
export class BackupPeers {
  private peers: PairedPeer[] = []
  private readonly reports: PeerReports
  private session: { client: BackupClient, index: IndexLog, manifests: PeerManifests, peerListKey?: Uint8Array } | undefined
  private syncTimer: ReturnType<typeof setTimeout> | undefined
  private refreshTimer: ReturnType<typeof setInterval> | undefined
  /** Per peer, its sync under way; `again` when a change came meanwhile (one more round, not one per change). */
  private readonly syncing = new Map<string, { again: boolean }>()
  private readonly lastRepin = new Map<string, number>()
  private readonly state: BackupState
  private readonly c: BackupPeersComponents
  private readonly pinSources: Array<() => ExtraPin[]>

  constructor (c: BackupPeersComponents, private readonly deviceId: string) {
    this.pinSources = c.extraPins !== undefined ? [c.extraPins] : []
    this.c = { ...c, extraPins: () => this.pinSources.flatMap(source => source()) }
    this.state = new BackupState(c.datastore)
    this.reports = new PeerReports(this.c)
    this.connected = this.connected.bind(this)
  }

  async start (): Promise<void> {
    this.peers = await this.state.loadPeers()
    for (const peer of this.peers) {
      this.c.keeper.keep(peer.address)
      this.reports.reset(peer)
    }
  }

  /**
   * Pins `source`'s roots too, from now on (the live shares). Lets a part
   * made after this one, which itself asks this one to drop pins, hand in
   * its roots without a forward-declared variable.
   */
  pinAlso (source: () => ExtraPin[]): void {
    this.pinSources.push(source)
    this.changed()
  }

  /** The vault unlocked: start replicating. */
  async attach (session: BackupSession): Promise<void> {
    this.detach()
    const client = new BackupClient({ libp2p: this.c.libp2p }, { signer: session.signer })
    const manifests = new PeerManifests(
      { datastore: this.c.datastore, state: this.state, log: this.c.log, ...(this.c.extraPins !== undefined ? { extraPins: this.c.extraPins } : {}), ...(this.c.now !== undefined ? { now: this.c.now } : {}) },
      { deviceId: this.deviceId, client, index: session.index, addressOf: (peerId) => this.addressOf(peerId), lastRepin: this.lastRepin }
    )
    this.session = { client, index: session.index, manifests, ...(session.peerListKey !== undefined ? { peerListKey: session.peerListKey } : {}) }
    for (const peer of this.peers) await manifests.logFor(peer.peerId)
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
        this.reports.noteError(peer.peerId, err)
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
    if (this.peers.some(p => p.peerId === peerId)) void this.refresh(peerId).catch((err: unknown) => { this.reports.noteError(peerId, err) })
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
      throw new AddressInvalidError(`That is not a peer address: ${address}`, { cause: err })
    }
    const peerId = peerIdOf(ma)
    const { alreadyPaired } = await session.client.pair(ma, code)
    const peer: PairedPeer = { peerId, address: ma.toString(), addedAt: this.reports.now() }
    this.peers = [...this.peers.filter(p => p.peerId !== peerId), peer]
    await this.savePeers()
    this.c.keeper.keep(peer.address)
    this.reports.reset(peer, this.reports.now())
    this.c.log.info(alreadyPaired ? `reconnected to backup peer …${peerId.slice(-8)}, which already keeps this vault` : `paired backup peer …${peerId.slice(-8)}`)
    await session.manifests.logFor(peerId)
    this.changed()
    await this.refresh(peerId)
    void this.publishPeerList()
    return { ...this.reports.get(peerId) as BackupPeerInfo, reconnected: alreadyPaired }
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
      fresh.push({ peerId: peer.peerId, address: peer.address, addedAt: this.reports.now() })
    }
    if (fresh.length === 0) return
    this.peers = [...this.peers, ...fresh]
    await this.savePeers()
    for (const peer of fresh) {
      this.c.keeper.keep(peer.address)
      this.reports.reset(peer)
      if (this.session !== undefined) await this.session.manifests.logFor(peer.peerId)
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
    this.reports.forget(peerId)
    this.session?.manifests.forget(peerId)
    void this.publishPeerList()
    this.c.onChanged()
  }

  list (): BackupPeerInfo[] {
    return this.reports.list(this.peers)
  }

  /** True when some paired peer holds the whole DAG of `cid`. */
  holds (cid: string): boolean {
    return this.reports.holds(cid)
  }

  /** The paired peers whose last `holds` answer included `cid` (a file or an extra pin). */
  holdersOf (cid: string): string[] {
    return this.reports.holdersOf(this.peers, cid)
  }

  /**
   * Frees these roots on every paired peer at once, without retention
   * ("Stop sharing"). The caller has already taken them out of the extra
   * pins. A peer that cannot be reached keeps the drop in its outbox and
   * gets it when it is back; its error is noted, not thrown.
   */
  async drop (cids: string[]): Promise<void> {
    const session = this.requireSession()
    if (cids.length === 0) return
    for (const peer of this.peers) {
      await session.manifests.queueDrop(peer.peerId, cids)
      this.reports.forgetHeld(peer.peerId, cids)
    }
    this.c.onChanged()
    const sent = Promise.all(this.peers.map(async peer => {
      const session = this.session
      if (session === undefined) return
      try {
        await session.manifests.send(peer.peerId)
      } catch (err) {
        this.reports.noteError(peer.peerId, err)
      }
    }))
    // The drop is queued durably above; an unreachable peer gets it when it is back,
    // so "Stop sharing" waits only briefly for the peers to confirm.
    await Promise.race([sent, new Promise(resolve => setTimeout(resolve, DROP_WAIT_MS))])
  }

  /** The hand-over of a rotated vault key a peer keeps for this device, asked under the key in force (VAULT_ROTATED). */
  async handover (peerId: string): Promise<{ sealed: string | null, vault: string }> {
    return await this.requireSession().client.handover(this.addressOf(peerId))
  }

  async verify (peerId: string): Promise<VerifyResult> {
    const session = this.requireSession()
    const report = await session.client.verify(this.addressOf(peerId), VERIFY_SAMPLE)
    const { result, unrepaired } = verifyResult(peerId, report, session.index, this.c.log)
    // Not repaired at once: the peer queued the root again; tell it soon what it lacks.
    if (unrepaired) this.changed()
    return result
  }

  /** The vault's MAC'd index heads as `peerId` keeps them (device sync pulls the chains that are ahead). */
  async heads (peerId: string): Promise<Record<string, unknown>> {
    const session = this.requireSession()
    return await session.client.heads(this.addressOf(peerId))
  }

  /** Something in the vault changed: tell the peers soon (changes are batched). */
  changed (): void {
    if (this.session === undefined) return
    if (this.syncTimer !== undefined) clearTimeout(this.syncTimer)
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined
      for (const peer of this.peers) this.syncSoon(peer.peerId)
    }, SYNC_DELAY_MS)
  }

  /**
   * Syncs one peer, on its own: a peer that answers slowly (each request just
   * within the client's time limit) must not hold up the others' backups.
   */
  private syncSoon (peerId: string): void {
    const running = this.syncing.get(peerId)
    if (running !== undefined) { running.again = true; return }
    const state = { again: false }
    this.syncing.set(peerId, state)
    void (async () => {
      try {
        do {
          state.again = false
          try {
            await this.sync(peerId)
          } catch (err) {
            this.reports.noteError(peerId, err)
          }
        } while (state.again && this.session !== undefined)
      } finally {
        this.syncing.delete(peerId)
      }
    })()
  }

  private async sync (peerId: string): Promise<void> {
    const session = this.session
    if (session === undefined) return
    await session.manifests.sync(peerId)
    await this.refresh(peerId)
  }

  private async refreshAll (): Promise<void> {
    for (const peer of this.peers) await this.refresh(peer.peerId).catch((err: unknown) => { this.reports.noteError(peer.peerId, err) })
  }

  private async refresh (peerId: string): Promise<void> {
    const session = this.session
    if (session === undefined) return
    const peer = this.peers.find(p => p.peerId === peerId)
    if (peer === undefined) return
    await this.reports.refresh(peer, this.addressOf(peerId), session)
  }

  private addressOf (peerId: string): ReturnType<typeof multiaddr> {
    const peer = this.peers.find(p => p.peerId === peerId)
    if (peer === undefined) throw new CairnError('NOT_PAIRED', 'That backup peer is not paired with this vault')
    return multiaddr(peer.address)
  }

  private requireSession (): NonNullable<BackupPeers['session']> {
    if (this.session === undefined) throw new VaultLockedError('Unlock the vault first')
    return this.session
  }

  private async savePeers (): Promise<void> {
    await this.state.savePeers(this.peers)
  }
}
