import { peerIdFromString } from '@libp2p/peer-id'
import { toErrorPayload } from '../errors.ts'
import { answerSync, SYNC_PROTOCOL, syncWith, type SyncIndex, type SyncSessionInit, type SyncSummary } from '../protocols/sync/index.ts'
import { SyncBudget } from '../protocols/sync/budget.ts'
import { MAX_ANSWERS_PER_DEVICE, MAX_BUFFERED_BLOCK_BYTES } from '../protocols/sync/constants.ts'
import { BackupHeadsPull, type BackupHeadsSource } from './backup-heads-pull.ts'
import { DeviceDialer } from './device-dialer.ts'
import { PeerTurns } from './peer-turns.ts'
import type { Clock } from '../clock.ts'
import type { IndexOp } from '../index/ops.ts'
import type { Log } from '../log.ts'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

export interface DeviceSyncComponents {
  libp2p: Libp2p
  /** Reads blocks this device lacks from connected peers (Helia's blockstore): the backup pull's op blocks. */
  networkBlockstore: Pick<Blockstore, 'get'>
  log: Log
  /** The relays this node uses; known devices are dialled through each as `<relay>/p2p-circuit/p2p/<device>`. */
  relays: () => string[]
  /** Devices of the vault besides those with a chain in the index (the device book). */
  knownDevices?: () => string[]
  /**
   * A removed device: no session with it, its chain taken from no one, and
   * not dialled. Synchronous (the device directory's `isRemoved`), so the
   * dialer's list leaves removed devices out.
   */
  isRevoked?: (peerId: string) => boolean
  /** The paired backup peers and their `heads` request (backup-peers.ts). */
  backup?: BackupHeadsSource
  /** Something merged here changed these files (emit `files.changed`, tell backup). */
  onChanged: (changed: string[]) => void
  /** A device proved membership in a sync session just now (the device book's "last seen"). */
  onDeviceSeen?: (peerId: string) => void
  now?: Clock
}

export interface DeviceSyncInit {
  /** A burst of local changes within this much becomes one session per device. */
  pushDelayMs?: number
  /** How often unconnected known devices are looked for (each one waits for its own backoff). */
  dialIntervalMs?: number
  /** How often the paired backup peers are asked for heads while unlocked. */
  backupPullMs?: number
  /** Each message of a sync session, and each op block from a backup peer, may take this long. */
  timeoutMs?: number
  /** Received index block bytes all sync sessions together hold before their merge (default MAX_BUFFERED_BLOCK_BYTES). */
  bufferedBlockBytes?: number
}

/** What an unlocked vault lends device sync; the key is wiped by its owner on lock. */
export interface DeviceSyncSession {
  index: SyncIndex & { onAppend: (listener: (ops: IndexOp[]) => void) => () => void }
  syncKey: Uint8Array
}

interface PeerRun {
  running: Promise<SyncSummary | undefined>
  again: boolean
}

const PUSH_DELAY_MS = 75
const DIAL_INTERVAL_MS = 5_000
const BACKUP_PULL_MS = 30_000
const TIMEOUT_MS = 15_000

/**
 * Keeps this device's index in step with the vault's other devices (DESIGN
 * §5) while the vault is unlocked: answers `/cairn/sync/1`, pushes every
 * local change to each connected device at once (a burst → one session per
 * device, never two at a time with one device), syncs when a device
 * connects, dials known devices through the relays (device-dialer.ts), and
 * pulls chains that are ahead from the backup peers (backup-heads-pull.ts).
 * Platform-neutral: the browser worker and a Node host assemble it alike.
 */
export class DeviceSync {
  private session: (DeviceSyncSession & { stopAppend: () => void }) | undefined
  private readonly runs = new Map<string, PeerRun>()
  /** Sessions other devices asked: one at a time per device, one more waiting (peer-turns.ts). */
  private readonly answers = new PeerTurns(MAX_ANSWERS_PER_DEVICE)
  /** Shared by every session, asked or answered: what a device can make this one hold. */
  private readonly budget: SyncBudget
  /** Devices that proved membership in a session since unlock (a new device has no chain yet). */
  private readonly members = new Set<string>()
  private pushTimer: ReturnType<typeof setTimeout> | undefined
  /** The device the pending push skips (the one a merge came from); undefined once any other change joins. */
  private pushSkip: string | undefined
  private readonly dialer: DeviceDialer
  private readonly pull: BackupHeadsPull | undefined
  private readonly self: string
  private readonly init: Required<Omit<DeviceSyncInit, 'bufferedBlockBytes'>>

  constructor (private readonly c: DeviceSyncComponents, init: DeviceSyncInit = {}) {
    this.init = {
      pushDelayMs: init.pushDelayMs ?? PUSH_DELAY_MS,
      dialIntervalMs: init.dialIntervalMs ?? DIAL_INTERVAL_MS,
      backupPullMs: init.backupPullMs ?? BACKUP_PULL_MS,
      timeoutMs: init.timeoutMs ?? TIMEOUT_MS
    }
    this.budget = new SyncBudget(init.bufferedBlockBytes ?? MAX_BUFFERED_BLOCK_BYTES)
    this.self = c.libp2p.peerId.toString()
    this.dialer = new DeviceDialer({ libp2p: c.libp2p, log: c.log, relays: c.relays, devices: () => this.devices(), ...(c.now !== undefined ? { now: c.now } : {}) }, { intervalMs: this.init.dialIntervalMs })
    this.pull = c.backup === undefined
      ? undefined
      : new BackupHeadsPull({
        source: c.backup,
        networkBlockstore: c.networkBlockstore,
        log: c.log,
        index: () => this.session?.index,
        isRevoked: async (device) => this.revoked(device),
        onMerged: (changed) => { this.merged(changed) }
      }, { timeoutMs: this.init.timeoutMs })
    this.onConnect = this.onConnect.bind(this)
    this.onIdentify = this.onIdentify.bind(this)
  }

  /** The vault unlocked: answer sessions, push changes, look for devices and ask the backup peers. */
  async attach (session: DeviceSyncSession): Promise<void> {
    this.detach()
    const stopAppend = session.index.onAppend(() => { this.changed() })
    this.session = { ...session, stopAppend }
    await this.c.libp2p.handle(SYNC_PROTOCOL, (stream: Stream, connection: Connection) => { void this.answer(stream, connection) }, { runOnLimitedConnection: true, force: true })
    this.c.libp2p.addEventListener('connection:open', this.onConnect)
    this.c.libp2p.addEventListener('peer:identify', this.onIdentify)
    this.dialer.start()
    this.pull?.start(this.init.backupPullMs)
    // Devices already connected (the other side may have unlocked first).
    for (const peer of this.connectedDevices()) void this.syncNow(peer)
  }

  /** The vault locked: stop answering and pushing; sessions under way end with their stream. */
  detach (): void {
    const session = this.session
    if (session === undefined) return
    this.session = undefined
    session.stopAppend()
    if (this.pushTimer !== undefined) clearTimeout(this.pushTimer)
    this.pushTimer = undefined
    this.members.clear()
    this.dialer.stop()
    this.pull?.stop()
    this.c.libp2p.removeEventListener('connection:open', this.onConnect)
    this.c.libp2p.removeEventListener('peer:identify', this.onIdentify)
    void this.c.libp2p.unhandle(SYNC_PROTOCOL).catch(() => {})
  }

  stop (): void {
    this.detach()
  }

  /**
   * The index changed here: sync with every connected device soon (within
   * `pushDelayMs`, so a burst of changes makes one session per device).
   */
  changed (except?: string): void {
    if (this.session === undefined) return
    if (this.pushTimer !== undefined) {
      if (this.pushSkip !== except) this.pushSkip = undefined
      return
    }
    this.pushSkip = except
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined
      for (const peer of this.connectedDevices()) if (peer !== this.pushSkip) void this.syncNow(peer)
    }, this.init.pushDelayMs)
  }

  /**
   * Runs a session with `peerId` now (the device service calls this after a
   * pairing). One session per device at a time: a call while one runs makes
   * it run once more afterwards, and resolves with that later run. Never
   * throws: failures are logged. Resolves undefined when locked or failed.
   */
  async syncNow (peerId: string): Promise<SyncSummary | undefined> {
    if (this.session === undefined || peerId === this.self) return undefined
    const run = this.runs.get(peerId)
    if (run !== undefined) {
      run.again = true
      return await run.running
    }
    const next: PeerRun = { again: false, running: Promise.resolve(undefined) }
    next.running = (async () => {
      let summary: SyncSummary | undefined
      try {
        do {
          next.again = false
          const before = summary
          summary = await this.initiate(peerId)
          // A chain more than one session takes came in part: the next session brings more,
          // while sessions move chains on (a part the other side refuses, sent again, would not).
          const moved = before === undefined || summary === undefined || summary.merged.length > 0 || summary.theirOps > before.theirOps
          if (summary?.partial === true && summary.blocksSent + summary.blocksReceived > 0 && moved) next.again = true
        } while (next.again && this.session !== undefined)
      } finally {
        this.runs.delete(peerId)
      }
      return summary
    })()
    this.runs.set(peerId, next)
    return await next.running
  }

  /** Asks every paired backup peer for heads now and merges the chains that are ahead (also on a timer). */
  async pullFromBackup (): Promise<void> {
    await this.pull?.pullAll()
  }

  /**
   * The vault's other devices this one knows: chains in the index, the
   * device book, devices met since unlock. Removed ones are left out (their
   * chains stay in the index), so the dialer does not keep reaching them.
   */
  devices (): string[] {
    const session = this.session
    if (session === undefined) return []
    const ids = new Set([...session.index.heads().keys(), ...(this.c.knownDevices?.() ?? []), ...this.members])
    ids.delete(this.self)
    return [...ids].filter(id => !this.revoked(id))
  }

  private connectedDevices (): string[] {
    const known = new Set(this.devices())
    const peers = new Set<string>()
    for (const connection of this.c.libp2p.getConnections()) {
      const peer = connection.remotePeer.toString()
      if (connection.status === 'open' && known.has(peer)) peers.add(peer)
    }
    return [...peers]
  }

  private async initiate (peerId: string): Promise<SyncSummary | undefined> {
    const session = this.session
    if (session === undefined) return undefined
    if (this.revoked(peerId)) return undefined
    try {
      const stream = await this.c.libp2p.dialProtocol(peerIdFromString(peerId), SYNC_PROTOCOL, { signal: AbortSignal.timeout(this.init.timeoutMs), runOnLimitedConnection: true })
      const summary = await syncWith(stream, peerId, this.sessionInit(session))
      this.done(summary)
      return summary
    } catch (err) {
      this.c.log.debug(`sync with …${peerId.slice(-8)} did not run: ${said(err)}`)
      return undefined
    }
  }

  /**
   * Answers a session another device opened. One at a time per device (an
   * honest device runs one session with us at a time; the next may arrive
   * while we still merge the last, so it waits its turn); past that the
   * stream is refused, so a device cannot make us hold a session per stream.
   */
  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    if (this.session === undefined) {
      stream.abort(new Error('the vault is locked'))
      return
    }
    const turn = this.answers.enter(peerId)
    if (turn === undefined) {
      this.c.log.debug(`sync asked by …${peerId.slice(-8)} refused: a session with it is already under way`)
      stream.abort(new Error('a sync session with this device is already under way'))
      return
    }
    const leave = await turn
    try {
      const session = this.session
      if (session === undefined) {
        stream.abort(new Error('the vault is locked'))
        return
      }
      this.done(await answerSync(stream, peerId, this.sessionInit(session)))
    } catch (err) {
      this.c.log.debug(`sync asked by …${peerId.slice(-8)} failed: ${said(err)}`)
    } finally {
      leave()
    }
  }

  private sessionInit (session: DeviceSyncSession): SyncSessionInit {
    return {
      index: session.index,
      syncKey: session.syncKey,
      localPeer: this.self,
      isRevoked: (peer) => this.revoked(peer),
      log: this.c.log,
      timeoutMs: this.init.timeoutMs,
      budget: this.budget
    }
  }

  private done (summary: SyncSummary): void {
    if (this.session === undefined) return
    this.members.add(summary.remotePeer)
    this.c.onDeviceSeen?.(summary.remotePeer)
    if (summary.merged.length > 0) {
      this.merged(summary.changed)
      // Transitive: what came from one device goes on to the others at once.
      this.changed(summary.remotePeer)
    }
  }

  private merged (changed: string[]): void {
    if (this.session === undefined) return
    this.c.onChanged(changed)
  }

  private revoked (peerId: string): boolean {
    return this.c.isRevoked?.(peerId) ?? false
  }

  /** A known device connected (either side dialled): sync now. A backup peer (re)connected: ask it for heads. */
  private onConnect (event: CustomEvent<Connection>): void {
    const peer = event.detail.remotePeer.toString()
    if (this.devices().includes(peer)) void this.syncNow(peer)
    else if (this.c.backup?.peers().includes(peer) === true) void this.pull?.pull(peer)
    // A relay (re)connected: the devices behind it can be dialled now, not at the next tick.
    if (this.c.relays().some(relay => relay.endsWith(`/p2p/${peer}`))) this.dialer.tick()
  }

  /**
   * A peer that answers `/cairn/sync/1` but is not known yet (a device
   * restored or paired since): try; the hello's membership proof decides.
   */
  private onIdentify (event: CustomEvent<{ peerId: PeerId, protocols: string[] }>): void {
    const peer = event.detail.peerId.toString()
    if (event.detail.protocols.includes(SYNC_PROTOCOL) && !this.devices().includes(peer)) void this.syncNow(peer)
  }
}

function said (err: unknown): string {
  const { code, message } = toErrorPayload(err)
  return `${code}: ${message}`
}
