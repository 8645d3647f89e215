import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { IndexLog } from '../../../index/index-log.ts'
import type { Log } from '../../../log.ts'
import { systemClock, type Clock } from '../../../clock.ts'
import { isCairnError } from '../../../errors.ts'
import type { BackupClient } from '../index.ts'
import type { BackupPeerInfo } from './peer-status.ts'
import type { PeerManifests } from './backup-manifests.ts'
import { liveExtraPins, type ExtraPin, type PairedPeer } from './backup-state.ts'

export interface PeerReportsComponents {
  libp2p: Libp2p
  log: Log
  onChanged: () => void
  /** More roots to pin (the live shares): asked about like files. */
  extraPins?: () => ExtraPin[]
  /** The clock share expiries and last-seen times are read from (default the system clock). */
  now?: Clock
  /** A peer answered VAULT_ROTATED: another device rotated the vault key (rotated-elsewhere.ts). */
  onVaultRotated?: (peerId: string) => void
}

/** What an unlocked vault lends a status query. */
export interface ReportSession {
  client: BackupClient
  index: IndexLog
  manifests: PeerManifests
}

/**
 * What each paired peer last reported (the Backup page's peer cards): online,
 * bytes and files replicated, pending and failed roots, retention, the last
 * error; and which roots it holds, so a file can say where it is backed up.
 */
export class PeerReports {
  private readonly info = new Map<string, BackupPeerInfo>()
  private readonly held = new Map<string, Set<string>>()

  constructor (private readonly c: PeerReportsComponents) {}

  /** The components' clock, read now. */
  now (): number {
    return (this.c.now ?? systemClock)()
  }

  /** A peer not heard from yet; with `seen`, one that just answered (a pairing). */
  reset (peer: PairedPeer, seen?: number): void {
    this.info.set(peer.peerId, seen === undefined ? emptyInfo(peer) : { ...emptyInfo(peer), online: true, lastSeen: seen })
  }

  get (peerId: string): BackupPeerInfo | undefined {
    return this.info.get(peerId)
  }

  /** The peer was removed. */
  forget (peerId: string): void {
    this.info.delete(peerId)
    this.held.delete(peerId)
  }

  list (peers: readonly PairedPeer[]): BackupPeerInfo[] {
    return peers.map(p => this.info.get(p.peerId) ?? emptyInfo(p))
  }

  /** True when some paired peer holds the whole DAG of `cid`. */
  holds (cid: string): boolean {
    for (const set of this.held.values()) if (set.has(cid)) return true
    return false
  }

  /** The peers whose last `holds` answer included `cid` (a file or an extra pin). */
  holdersOf (peers: readonly PairedPeer[], cid: string): string[] {
    return peers.filter(p => this.held.get(p.peerId)?.has(cid) === true).map(p => p.peerId)
  }

  /** These roots were dropped from the peer: it no longer counts as holding them. */
  forgetHeld (peerId: string, cids: readonly string[]): void {
    for (const cid of cids) this.held.get(peerId)?.delete(cid)
  }

  /** Records a failure to reach or use a peer (logged once per new message or change of reachability). */
  noteError (peerId: string, err: unknown): void {
    const info = this.info.get(peerId)
    if (info === undefined) return
    if (isCairnError(err, 'VAULT_ROTATED')) this.c.onVaultRotated?.(peerId)
    const message = err instanceof Error ? err.message : String(err)
    const online = this.c.libp2p.getConnections().some(conn => conn.remotePeer.toString() === peerId)
    if (info.lastError !== message || info.online !== online) {
      this.info.set(peerId, { ...info, online, lastError: message, ...(isCairnError(err) ? { lastErrorCode: err.code } : {}) })
      this.c.log.warn(`backup peer …${peerId.slice(-8)}: ${message}`)
      this.c.onChanged()
    }
  }

  /**
   * Asks a peer for its status and what it holds, after sending any manifest
   * it never acknowledged; asks it to pin again what it lacks while idle.
   */
  async refresh (peer: PairedPeer, address: Multiaddr, session: ReportSession): Promise<void> {
    const peerId = peer.peerId
    // Manifests a restarted or unreachable peer never acknowledged go out again.
    await session.manifests.sendPending(peerId)
    const status = await session.client.status(address)
    const files = [...new Set(session.index.listFiles().map(f => f.entry.cid))]
    // Versions and Trash items are asked about too, so one the peer lacks is pinned again.
    const asked = [...new Set([...files, ...session.index.retainedCids(), ...liveExtraPins(this.c.extraPins?.() ?? [], this.now()).map(pin => pin.cid)])]
    const held = asked.length > 0 ? await session.client.holds(address, asked) : new Set<string>()
    await session.manifests.repinMissing(peerId, asked.filter(cid => !held.has(cid)), status.pending)
    const devices = await this.devicesServed(peerId, address, session)
    // What the peer holds and its card change together, so a reader never sees one without the other.
    const before = JSON.stringify(this.info.get(peerId))
    this.held.set(peerId, held)
    this.info.set(peerId, {
      peerId,
      address: peer.address,
      online: true,
      lastSeen: this.now(),
      filesReplicated: files.filter(cid => held.has(cid)).length,
      bytesReplicated: status.bytes,
      pending: status.pending,
      failed: status.failed.map(f => ({ cid: f.cid, reason: f.reason })),
      ...(status.retentionMs !== undefined ? { keepsDeleted: { appendOnly: status.appendOnly === true, retentionMs: status.retentionMs } } : {}),
      ...(devices !== undefined ? { devices } : {})
    })
    if (JSON.stringify(this.info.get(peerId)) !== before) this.c.onChanged()
  }

  /**
   * The devices whose chains the peer keeps: the keys of its `heads` answer
   * (one small message). A failed ask keeps what it said last: it only names
   * devices on the peer's card, so it must not fail the refresh.
   */
  private async devicesServed (peerId: string, address: Multiaddr, session: ReportSession): Promise<string[] | undefined> {
    try {
      return Object.keys(await session.client.heads(address)).sort()
    } catch {
      return this.info.get(peerId)?.devices
    }
  }
}

function emptyInfo (peer: PairedPeer): BackupPeerInfo {
  return { peerId: peer.peerId, address: peer.address, online: false, lastSeen: 0, filesReplicated: 0, bytesReplicated: 0, pending: 0, failed: [] }
}
