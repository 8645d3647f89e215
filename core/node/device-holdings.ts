import { peerIdFromString } from '@libp2p/peer-id'
import { toErrorPayload } from '../errors.ts'
import { jsonStream, readJson, writeJson } from '../protocols/backup/wire.ts'
import type { Clock } from '../clock.ts'
import type { Log } from '../log.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'

/** A device asks another device of its vault which files it holds whole ("On Laptop", and whether "Free up space" may drop a copy). */
export const DEVICE_HOLDS_PROTOCOL = '/cairn/holds/1'

/** Roots per question: a vault of 20,000 files asks in one go (CIDs are ~60 bytes). */
const MAX_ROOTS = 20_000
const MAX_MESSAGE_BYTES = MAX_ROOTS * 80
const TIMEOUT_MS = 15_000
/** A device's answer counts this long: a copy it freed since must not be relied on for long. */
const FRESH_MS = 2 * 60_000
/** A device just asked is not asked again sooner than this after a sync (Free up space always asks afresh). */
const REASK_MS = 30_000

export interface DeviceHoldingsComponents {
  libp2p: Libp2p
  log: Log
  /** Roots of the live files (asked about). */
  roots: () => string[]
  /** Which of these this device holds whole (FileLocations.heldWhole). */
  heldWhole: (roots: string[]) => Promise<string[]>
  /** Only members are asked and answered. */
  isMember: (peerId: string) => boolean
  /** A device's name for the Files page. */
  nameOf: (peerId: string) => string
  onChanged: () => void
  now?: Clock
}

/**
 * What the vault's other devices hold whole, as each says over
 * `/cairn/holds/1` (DESIGN §5 "On-demand files"): asked after a sync session
 * with a device, and afresh by "Free up space", which drops a local copy
 * only on a fresh answer (or a backup peer's).
 */
export class DeviceHoldings {
  private readonly reports = new Map<string, { held: Set<string>, at: number }>()
  private attached = false
  /** When the last {@link askConnected} began: only answers since then may let "Free up space" drop a copy. */
  private askedAllAt = Infinity

  constructor (private readonly c: DeviceHoldingsComponents) {}

  async attach (): Promise<void> {
    this.attached = true
    await this.c.libp2p.handle(DEVICE_HOLDS_PROTOCOL, (stream: Stream, connection: Connection) => { void this.answer(stream, connection) }, { runOnLimitedConnection: true, force: true })
  }

  detach (): void {
    this.attached = false
    this.reports.clear()
    void this.c.libp2p.unhandle(DEVICE_HOLDS_PROTOCOL).catch(() => {})
  }

  /** Names of the devices whose fresh answer says they hold `root` whole. */
  holders (root: string): string[] {
    return this.holdersSince(root, this.now() - FRESH_MS)
  }

  /**
   * Names of the devices that said they hold `root` whole in answer to the
   * last {@link askConnected}: what "Free up space" relies on. A device gone
   * offline since its last answer may have freed its own copy meanwhile (on
   * the strength of ours), so an answer from before does not count.
   */
  confirmedHolders (root: string): string[] {
    return this.holdersSince(root, this.askedAllAt)
  }

  /** The PeerIds behind {@link confirmedHolders}: "Free up space" asks them to send blocks back before it relies on them. */
  confirmedHolderIds (root: string): string[] {
    return this.holderIdsSince(root, this.askedAllAt)
  }

  private holdersSince (root: string, since: number): string[] {
    return this.holderIdsSince(root, since).map(peerId => this.c.nameOf(peerId))
  }

  private holderIdsSince (root: string, since: number): string[] {
    const out: string[] = []
    for (const [peerId, report] of this.reports) {
      if (report.at >= since && report.held.has(root) && this.c.isMember(peerId)) out.push(peerId)
    }
    return out
  }

  /** A device proved itself in a sync session: ask it, unless it was asked a moment ago. */
  seen (peerId: string): void {
    const last = this.reports.get(peerId)?.at
    if (last !== undefined && this.now() - last < REASK_MS) return
    void this.ask(peerId)
  }

  /** The Files page asked where files live: ask connected members whose answer is older than a moment (the answers come as a change). */
  refreshStale (): void {
    for (const connection of this.c.libp2p.getConnections()) this.seen(connection.remotePeer.toString())
  }

  /** Asks every connected member now (before "Free up space"). */
  async askConnected (): Promise<void> {
    const started = this.now()
    const connected = new Set(this.c.libp2p.getConnections().map(c => c.remotePeer.toString()))
    await Promise.all([...connected].filter(id => this.c.isMember(id)).map(async id => { await this.ask(id) }))
    this.askedAllAt = started
  }

  private now (): number {
    return this.c.now?.() ?? Date.now()
  }

  private async ask (peerId: string): Promise<void> {
    if (!this.attached || !this.c.isMember(peerId)) return
    const roots = [...new Set(this.c.roots())].slice(0, MAX_ROOTS)
    try {
      const stream = await this.c.libp2p.dialProtocol(peerIdFromString(peerId), DEVICE_HOLDS_PROTOCOL, { signal: AbortSignal.timeout(TIMEOUT_MS), runOnLimitedConnection: true })
      const lp = jsonStream(stream, MAX_MESSAGE_BYTES)
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      await writeJson(lp, { roots }, signal)
      const answer = await readJson(lp, signal) as { held?: unknown } | null
      await stream.close().catch(() => {})
      const asked = new Set(roots)
      const held = Array.isArray(answer?.held) ? answer.held.filter((r): r is string => typeof r === 'string' && asked.has(r)) : []
      this.reports.set(peerId, { held: new Set(held), at: this.now() })
      this.c.onChanged()
    } catch (err) {
      this.reports.delete(peerId)
      this.c.log.debug(`asking device …${peerId.slice(-8)} what it holds failed: ${toErrorPayload(err).message}`)
    }
  }

  private async answer (stream: Stream, connection: Connection): Promise<void> {
    const peerId = connection.remotePeer.toString()
    try {
      if (!this.attached || !this.c.isMember(peerId)) { stream.abort(new Error('not a device of this vault')); return }
      const lp = jsonStream(stream, MAX_MESSAGE_BYTES)
      const signal = AbortSignal.timeout(TIMEOUT_MS)
      const question = await readJson(lp, signal) as { roots?: unknown } | null
      const roots = Array.isArray(question?.roots) ? question.roots.filter((r): r is string => typeof r === 'string').slice(0, MAX_ROOTS) : []
      await writeJson(lp, { held: await this.c.heldWhole(roots) }, signal)
      await stream.close().catch(() => {})
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
