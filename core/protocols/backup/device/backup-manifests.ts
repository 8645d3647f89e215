import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import { systemClock, type Clock } from '../../../clock.ts'
import type { IndexLog } from '../../../index/index-log.ts'
import type { Log } from '../../../log.ts'
import { type BackupClient, ManifestLog, sendPendingManifests, type SendOptions } from '../index.ts'
import { desiredPins, type BackupState, type Desired, type ExtraPin } from './backup-state.ts'

/** Least time between two "pin these again" manifests to one peer. */
const REPIN_MS = 10_000

export interface PeerManifestsComponents {
  datastore: Datastore
  /** The persisted pin sets (and the lock around them). */
  state: BackupState
  log: Log
  /** More roots to pin (the live shares); asked for whenever a manifest is built. */
  extraPins?: () => ExtraPin[]
  /** The clock share expiries and repin pauses are judged by (default the system clock). */
  now?: Clock
}

export interface PeerManifestsInit {
  deviceId: string
  client: BackupClient
  index: IndexLog
  /** A paired peer's address; throws NOT_PAIRED for one removed meanwhile. */
  addressOf: (peerId: string) => Multiaddr
  /** When each peer was last asked to pin again: outlives one unlock. */
  lastRepin: Map<string, number>
}

/**
 * What an unlocked vault tells its backup peers to hold (DESIGN §5): one
 * manifest outbox per peer, and the set of roots already sent to it, so each
 * manifest carries only the difference. BackupPeers (backup-peers.ts) keeps
 * the peers and their status and decides when to sync.
 */
export class PeerManifests {
  private readonly logs = new Map<string, ManifestLog>()

  constructor (private readonly c: PeerManifestsComponents, private readonly init: PeerManifestsInit) {}

  /** The outbox of one peer, opened on first use. */
  async logFor (peerId: string): Promise<ManifestLog> {
    let log = this.logs.get(peerId)
    if (log === undefined) {
      log = new ManifestLog({ datastore: this.c.datastore }, {
        peer: peerId,
        device: this.init.deviceId,
        snapshot: async () => {
          const { pins, heads, expires, shares } = this.desired()
          return { pin: pins, heads, expires, shares }
        }
      })
      await log.start()
      this.logs.set(peerId, log)
    }
    return log
  }

  /** The peer was removed: its outbox is no longer served. */
  forget (peerId: string): void {
    this.logs.delete(peerId)
  }

  /** Queues a manifest of what changed since the last one to this peer, then sends what is pending. */
  async sync (peerId: string): Promise<void> {
    const log = await this.logFor(peerId)
    await this.c.state.exclusive(async () => {
      const { pins, heads, expires, shares } = this.desired()
      const sent = await this.c.state.readPinSet(peerId)
      // Share copies the peer has not had marked (pinned before marks existed) are pinned
      // again with their mark, so the peer serves them to their links' recipients.
      const marked = await this.c.state.readShareSet(peerId)
      const remark = new Set(shares.filter(cid => !marked.has(cid)))
      const pin = pins.filter(cid => !sent.has(cid) || remark.has(cid))
      const current = new Set(pins)
      const unpin = [...sent].filter(cid => !current.has(cid))
      if (pin.length > 0 || unpin.length > 0) {
        await log.append({ pin, unpin, heads, expires, shares })
        await this.c.state.writePinSet(peerId, pins)
      }
      if (remark.size > 0 || marked.size !== shares.length) await this.c.state.writeShareSet(peerId, shares)
    })
    await this.sendPending(peerId)
  }

  /** Sends manifests the peer never acknowledged (a restarted or unreachable peer), if any. */
  async sendPending (peerId: string): Promise<void> {
    const log = await this.logFor(peerId)
    if (log.pending().length > 0) await this.send(peerId, log)
  }

  /** Sends the outbox as it is. */
  async send (peerId: string, log?: ManifestLog): Promise<void> {
    await sendPendingManifests(this.init.client, this.init.addressOf(peerId), log ?? await this.logFor(peerId), this.sendOptions(peerId))
  }

  /** Queues a drop of these roots (no retention) and takes them out of the pin set sent. */
  async queueDrop (peerId: string, cids: string[]): Promise<void> {
    const gone = new Set(cids)
    const log = await this.logFor(peerId)
    await this.c.state.exclusive(async () => {
      await log.append({ pin: [], unpin: [], drop: cids })
      // Out of the pin set, so the next diff does not send them again as unpin.
      const sent = await this.c.state.readPinSet(peerId)
      await this.c.state.writePinSet(peerId, [...sent].filter(cid => !gone.has(cid)))
    })
  }

  /**
   * The peer is idle yet lacks some files or extra pins (it crashed before it
   * persisted a manifest, or gave up after retries): pin them again, with
   * their expiry (a pin without one would clear it), which also makes it
   * retry at once. At most every REPIN_MS per peer.
   */
  async repinMissing (peerId: string, missing: string[], peerPending: number): Promise<void> {
    if (missing.length === 0 || peerPending > 0) return
    const last = this.init.lastRepin.get(peerId) ?? 0
    const now = (this.c.now ?? systemClock)()
    if (now - last < REPIN_MS) return
    this.init.lastRepin.set(peerId, now)
    this.c.log.info(`backup peer …${peerId.slice(-8)} lacks ${missing.length} roots and is idle; asking again`)
    const log = await this.logFor(peerId)
    const { heads, expires, shares } = this.desired()
    await log.append({ pin: missing, unpin: [], heads, expires, shares })
    await this.send(peerId, log)
  }

  private desired (): Desired {
    return desiredPins(this.init.index, this.c.extraPins?.() ?? [], (this.c.now ?? systemClock)())
  }

  /** An append-only peer keeps what the vault deleted: say so in the log (the peer card says it too). */
  private sendOptions (peerId: string): SendOptions {
    return {
      ...(this.c.now !== undefined ? { now: this.c.now } : {}),
      onDeletionsRefused: (count) => {
        this.c.log.info(`backup peer …${peerId.slice(-8)} is append-only: it keeps ${count} deleted or unshared item(s), as its operator chose`)
      }
    }
  }
}
