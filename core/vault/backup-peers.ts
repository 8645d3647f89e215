import { multiaddr } from '@multiformats/multiaddr'
import { Key, type Datastore } from 'interface-datastore'
import { CairnError } from '../errors.ts'
import { BackupClient, ManifestLog, peerIdOf, sendPendingManifests, type WireHead } from '../protocols/backup/index.ts'
import type { VaultSigner } from '../crypto/vault-signing.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { Log } from '../node/log-buffer.ts'
import type { PeerKeeper } from '../node/peer-keeper.ts'
import type { BackupPeerInfo, VerifyResult } from '../rpc/api.ts'
import type { Libp2p } from '@libp2p/interface'

const PEERS_KEY = new Key('/cairn/backup/peers')
const pinSetKey = (peer: string): Key => new Key(`/cairn/backup/pinset/${peer}`)
/** How long changes collect before one manifest goes out. */
const SYNC_DELAY_MS = 300
/** How often a paired peer is asked for its status while the vault is unlocked. */
const REFRESH_MS = 3000
const VERIFY_SAMPLE = 32
/** Least time between two "pin these again" manifests to one peer. */
const REPIN_MS = 10_000

interface PairedPeer { peerId: string, address: string, addedAt: number }

/** What an unlocked vault lends the backup side: its signing key and its index. */
export interface BackupSession { signer: VaultSigner, index: IndexLog }

export interface BackupPeersComponents {
  libp2p: Libp2p
  datastore: Datastore
  keeper: PeerKeeper
  log: Log
  onChanged: () => void
}

/**
 * The device's side of backup (DESIGN §5): the paired peers, a manifest
 * outbox per peer, and what each peer reports holding. While the vault is
 * unlocked it tells every peer to hold all file roots and every index op
 * block (and the index heads, for restore); the peer fetches them by bitswap.
 */
export class BackupPeers {
  private peers: PairedPeer[] = []
  private readonly info = new Map<string, BackupPeerInfo>()
  private readonly held = new Map<string, Set<string>>()
  private session: { client: BackupClient, index: IndexLog, logs: Map<string, ManifestLog> } | undefined
  private syncTimer: ReturnType<typeof setTimeout> | undefined
  private refreshTimer: ReturnType<typeof setInterval> | undefined
  private syncing: Promise<void> = Promise.resolve()
  private readonly lastRepin = new Map<string, number>()

  constructor (private readonly c: BackupPeersComponents, private readonly deviceId: string) {}

  async start (): Promise<void> {
    if (await this.c.datastore.has(PEERS_KEY)) this.peers = JSON.parse(new TextDecoder().decode(await this.c.datastore.get(PEERS_KEY))) as PairedPeer[]
    for (const peer of this.peers) {
      this.c.keeper.keep(peer.address)
      this.info.set(peer.peerId, emptyInfo(peer))
    }
  }

  /** The vault unlocked: start replicating. */
  async attach (session: BackupSession): Promise<void> {
    const client = new BackupClient({ libp2p: this.c.libp2p }, { signer: session.signer })
    this.session = { client, index: session.index, logs: new Map() }
    for (const peer of this.peers) await this.logFor(peer.peerId)
    this.refreshTimer = setInterval(() => { void this.refreshAll() }, REFRESH_MS)
    this.changed()
  }

  /** The vault locked: stop; the signer is wiped by its owner. */
  detach (): void {
    this.session = undefined
    if (this.syncTimer !== undefined) clearTimeout(this.syncTimer)
    if (this.refreshTimer !== undefined) clearInterval(this.refreshTimer)
    this.syncTimer = undefined
    this.refreshTimer = undefined
  }

  stop (): void {
    this.detach()
  }

  async add (address: string, code: string): Promise<BackupPeerInfo> {
    const session = this.requireSession()
    let ma
    try {
      ma = multiaddr(address.trim())
    } catch (err) {
      throw new CairnError('ADDRESS_INVALID', `That is not a peer address: ${address}`, { cause: err })
    }
    const peerId = peerIdOf(ma)
    await session.client.pair(ma, code)
    const peer: PairedPeer = { peerId, address: ma.toString(), addedAt: Date.now() }
    this.peers = [...this.peers.filter(p => p.peerId !== peerId), peer]
    await this.savePeers()
    this.c.keeper.keep(peer.address)
    this.info.set(peerId, { ...emptyInfo(peer), online: true, lastSeen: Date.now() })
    this.c.log.info(`paired backup peer …${peerId.slice(-8)}`)
    await this.logFor(peerId)
    this.changed()
    await this.refresh(peerId)
    return this.info.get(peerId) as BackupPeerInfo
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

  async verify (peerId: string): Promise<VerifyResult> {
    const session = this.requireSession()
    const report = await session.client.verify(this.addressOf(peerId), VERIFY_SAMPLE)
    this.c.log.info(`verify on backup peer …${peerId.slice(-8)}: ${report.passed}/${report.checked} blocks good`)
    return { checked: report.checked, ok: report.passed, bad: report.bad }
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

  private desired (index: IndexLog): { pins: string[], heads: Record<string, WireHead> } {
    const files = index.listFiles().map(f => f.entry.cid)
    const heads: Record<string, WireHead> = {}
    for (const [device, head] of index.heads()) heads[device] = { cid: head.cid.toString(), seq: head.seq }
    return { pins: [...new Set([...files, ...index.blockCids()])], heads }
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
    const { pins, heads } = this.desired(session.index)
    const sent = await this.readPinSet(peerId)
    const pin = pins.filter(cid => !sent.has(cid))
    const current = new Set(pins)
    const unpin = [...sent].filter(cid => !current.has(cid))
    if (pin.length > 0 || unpin.length > 0) {
      await log.append({ pin, unpin, heads })
      await this.c.datastore.put(pinSetKey(peerId), new TextEncoder().encode(JSON.stringify(pins)))
    }
    if (log.pending().length > 0) await sendPendingManifests(session.client, this.addressOf(peerId), log)
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
    if (log.pending().length > 0) await sendPendingManifests(session.client, address, log)
    const status = await session.client.status(address)
    const files = session.index.listFiles().map(f => f.entry.cid)
    const held = files.length > 0 ? await session.client.holds(address, files) : new Set<string>()
    this.held.set(peerId, held)
    await this.repinMissing(peerId, files.filter(cid => !held.has(cid)), status.pending)
    const before = JSON.stringify(this.info.get(peerId))
    this.info.set(peerId, {
      peerId,
      address: peer.address,
      online: true,
      lastSeen: Date.now(),
      filesReplicated: held.size,
      bytesReplicated: status.bytes,
      pending: status.pending,
      failed: status.failed.map(f => ({ cid: f.cid, reason: f.reason }))
    })
    if (JSON.stringify(this.info.get(peerId)) !== before) this.c.onChanged()
  }

  /**
   * The peer is idle yet lacks some files (it crashed before it persisted a
   * manifest, or gave up after retries): pin them again, which also makes it
   * retry at once. At most every REPIN_MS per peer.
   */
  private async repinMissing (peerId: string, missing: string[], peerPending: number): Promise<void> {
    const session = this.session
    if (session === undefined || missing.length === 0 || peerPending > 0) return
    const last = this.lastRepin.get(peerId) ?? 0
    if (Date.now() - last < REPIN_MS) return
    this.lastRepin.set(peerId, Date.now())
    this.c.log.info(`backup peer …${peerId.slice(-8)} lacks ${missing.length} files and is idle; asking again`)
    const log = await this.logFor(peerId)
    await log.append({ pin: missing, unpin: [], heads: this.desired(session.index).heads })
    await sendPendingManifests(session.client, this.addressOf(peerId), log)
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
          const { pins, heads } = this.desired(session.index)
          return { pin: pins, heads }
        }
      })
      await log.start()
      session.logs.set(peerId, log)
    }
    return log
  }

  private async readPinSet (peerId: string): Promise<Set<string>> {
    const key = pinSetKey(peerId)
    if (!(await this.c.datastore.has(key))) return new Set()
    return new Set(JSON.parse(new TextDecoder().decode(await this.c.datastore.get(key))) as string[])
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
    await this.c.datastore.put(PEERS_KEY, new TextEncoder().encode(JSON.stringify(this.peers)))
  }
}

function emptyInfo (peer: PairedPeer): BackupPeerInfo {
  return { peerId: peer.peerId, address: peer.address, online: false, lastSeen: 0, filesReplicated: 0, bytesReplicated: 0, pending: 0, failed: [] }
}
