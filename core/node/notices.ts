import type { Datastore } from 'interface-datastore'
import { systemClock, type Clock } from '../clock.ts'
import type { Log } from '../log.ts'
import type { Notice, NoticeKind, NoticeSettings } from '../rpc/api-notices.ts'
import type { UploadProgress } from '../rpc/api-files.ts'
import { loadNoticeSettings, mergeNoticeSettings, defaultNoticeSettings, saveNoticeSettings } from './notice-settings.ts'
import { backupDoneNotice, devicePairedNotice, peerUnreachableNotice, storageAlmostFullNotice, syncConflictNotice } from './notice-words.ts'

/**
 * What the backup peers still lack: the files of the vault no paired peer
 * holds whole, each by a key that changes with its content and its size.
 * Keys let a run count every file it saw waiting, even one added and backed
 * up between two looks.
 */
export interface BackupWaiting { items: ReadonlyMap<string, number> }
/** A conflict copy or concurrent edit the file list shows; `key` is stable while it stays. */
export interface ConflictCopy { key: string, path: string }
/** Bytes this device stores against what it may (the origin's quota, or the disk). */
export interface StorageUse { usedBytes: number, totalBytes: number }
/** A paired backup peer: a short name for the user, and when it last answered (0: never). */
export interface WatchedPeer { peerId: string, name: string, online: boolean, lastSeen: number }

/** What the node already knows, asked when the notices look. `undefined`: not known now (locked, no peer). */
export interface NoticesComponents {
  datastore: Datastore
  log: Log
  emit: (notice: Notice) => void
  backupWaiting: () => BackupWaiting | undefined
  conflicts: () => ConflictCopy[] | undefined
  storage: () => Promise<StorageUse | undefined>
  peers: () => WatchedPeer[]
  deviceName: (peerId: string) => string | undefined
  clock?: Clock
}

/** When a finished backup is worth a notice: it took this long, or carried this much. */
export const LONG_BACKUP = { ms: 60_000, files: 20, bytes: 100_000_000 }
/** Storage notices at 90%; again only after it went below 85% (no notice per byte around the line). */
export const STORAGE_FULL = { at: 0.9, rearmBelow: 0.85, minGapMs: 60 * 60_000 }
export const PEER_UNREACHABLE_MS = 24 * 60 * 60_000
/** Conflicts found within a minute of the last notice wait and come as one. */
export const CONFLICT_GAP_MS = 60_000
/** How often the timer looks (storage, peers, held conflicts); a longer gap between looks means the device slept. */
export const LOOK_EVERY_MS = 60_000
/** How often a stream of changes is looked at. */
export const CHANGED_EVERY_MS = 250

/**
 * Turns what the node knows into notices for the user (issue 11): a long
 * backup finished, a sync conflict, a device paired, storage almost full, a
 * backup peer gone for a day. Each at most once per occurrence, and only for
 * kinds the user left on. The node calls `changed()` when files or backup
 * state change and `deviceJoined()` when a device joins; a timer does the rest.
 */
export class Notices {
  private readonly clock: Clock
  private settingsNow: NoticeSettings = defaultNoticeSettings()
  private timer: ReturnType<typeof setInterval> | undefined
  private changedTimer: ReturnType<typeof setTimeout> | undefined
  /** Uploads under way (their ids). */
  private readonly uploads = new Set<string>()
  /** Undefined until known; 'settling' while what was waiting when we started watching drains. */
  private backup: { phase: 'unknown' | 'settling' | 'idle' } | { phase: 'run', startedAt: number, files: number, bytes: number, seen: Map<string, number> } = { phase: 'unknown' }
  private seenConflicts: Set<string> | undefined
  private heldConflicts: string[] = []
  private lastConflictAt = -Infinity
  private storageArmed = true
  private lastStorageAt = -Infinity
  /** Since when this node has watched without a gap (a device asleep did not see its peers). */
  private watchingSince: number
  private lastLook: number
  private readonly missingSince = new Map<string, number>()
  private readonly toldUnreachable = new Set<string>()
  private readonly toldPaired = new Map<string, number>()
  private looking: Promise<void> | undefined

  constructor (private readonly c: NoticesComponents) {
    this.clock = c.clock ?? systemClock
    this.watchingSince = this.clock()
    this.lastLook = this.watchingSince
  }

  /** Loads the settings and starts looking every minute. */
  async start (): Promise<void> {
    this.settingsNow = await loadNoticeSettings(this.c.datastore)
    this.watchingSince = this.lastLook = this.clock()
    this.timer ??= setInterval(() => { void this.look() }, LOOK_EVERY_MS)
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    if (this.changedTimer !== undefined) clearTimeout(this.changedTimer)
    this.timer = this.changedTimer = undefined
  }

  settings (): NoticeSettings {
    return { ...this.settingsNow }
  }

  /** Turns kinds on or off (the others stay); returns all of them. */
  async setSettings (change: Partial<NoticeSettings>): Promise<NoticeSettings> {
    const next = mergeNoticeSettings(this.settingsNow, change)
    await saveNoticeSettings(this.c.datastore, next)
    this.settingsNow = next
    return this.settings()
  }

  /** Files or backup state changed: look at the backup and the conflicts now. */
  changed (): void {
    this.watchBackup()
    this.watchConflicts()
  }

  /** `changed()` at most every CHANGED_EVERY_MS: an upload of thousands of files changes them thousands of times. */
  changedSoon (): void {
    this.changedTimer ??= setTimeout(() => {
      this.changedTimer = undefined
      this.changed()
    }, CHANGED_EVERY_MS)
  }

  /**
   * An upload's progress (node-handlers.ts): while any runs, a backup run
   * does not end when the peers catch up with what was stored so far, so a
   * batch uploaded slower than it is backed up is one run, told once.
   */
  uploadProgress (progress: Pick<UploadProgress, 'uploadId' | 'phase'>): void {
    if (progress.phase !== 'done' && progress.phase !== 'failed') {
      this.uploads.add(progress.uploadId)
      return
    }
    // The last upload ended: a run it held open may end now (a failed one changes no file to say so).
    if (this.uploads.delete(progress.uploadId) && this.uploads.size === 0) this.changedSoon()
  }

  /** The vault locked: what was waiting or in conflict is learned afresh after the next unlock. */
  locked (): void {
    this.uploads.clear()
    this.backup = { phase: 'unknown' }
    this.seenConflicts = undefined
    this.heldConflicts = []
  }

  /** A device joined the vault (either side of the pairing; both may report it). */
  deviceJoined (peerId: string): void {
    const now = this.clock()
    const last = this.toldPaired.get(peerId)
    if (last !== undefined && now - last < CONFLICT_GAP_MS) return
    this.toldPaired.set(peerId, now)
    this.tell(devicePairedNotice(this.c.deviceName(peerId), peerId))
  }

  /** Everything, as the timer does it; one look at a time. */
  async look (): Promise<void> {
    this.looking ??= this.lookOnce().finally(() => { this.looking = undefined })
    await this.looking
  }

  private async lookOnce (): Promise<void> {
    const now = this.clock()
    // Looks far apart mean the device slept: what it missed meanwhile is not an outage it saw.
    if (now - this.lastLook > 3 * LOOK_EVERY_MS) this.watchingSince = now
    this.lastLook = now
    this.changed()
    this.watchPeers(now)
    try {
      await this.watchStorage()
    } catch (err) {
      this.c.log.debug(`storage use unknown: ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  private watchBackup (): void {
    const waiting = this.c.backupWaiting()?.items
    if (waiting === undefined) { this.backup = { phase: 'unknown' }; return }
    const now = this.clock()
    if (this.backup.phase === 'unknown') {
      // What waits when we start watching (an unlock before the peers answered) is no upload we saw begin.
      this.backup = { phase: waiting.size > 0 ? 'settling' : 'idle' }
      return
    }
    if (this.backup.phase === 'settling' || (this.backup.phase === 'idle' && waiting.size === 0)) {
      if (waiting.size === 0) this.backup = { phase: 'idle' }
      return
    }
    const run = this.backup.phase === 'run' ? this.backup : { phase: 'run' as const, startedAt: now, files: 0, bytes: 0, seen: new Map<string, number>() }
    this.backup = run
    // Every file seen waiting during the run, once: one added while another finished still counts.
    for (const [key, size] of waiting) {
      if (!run.seen.has(key)) { run.seen.set(key, size); run.files++; run.bytes += size }
    }
    if (waiting.size > 0 || this.uploads.size > 0) return
    this.backup = { phase: 'idle' }
    const long = now - run.startedAt >= LONG_BACKUP.ms || run.files >= LONG_BACKUP.files || run.bytes >= LONG_BACKUP.bytes
    if (long) this.tell(backupDoneNotice(run.files, run.bytes, now))
  }

  private watchConflicts (): void {
    const copies = this.c.conflicts()
    if (copies === undefined) { this.seenConflicts = undefined; this.heldConflicts = []; return }
    const keys = new Set(copies.map(copy => copy.key))
    // Conflicts there when we start watching were there before: no notice for them.
    const seen = this.seenConflicts ?? keys
    for (const copy of copies) if (!seen.has(copy.key)) this.heldConflicts.push(copy.path)
    this.seenConflicts = keys
    const now = this.clock()
    if (this.heldConflicts.length === 0 || now - this.lastConflictAt < CONFLICT_GAP_MS) return
    this.lastConflictAt = now
    const paths = this.heldConflicts
    this.heldConflicts = []
    this.tell(syncConflictNotice(paths, now))
  }

  private async watchStorage (): Promise<void> {
    const use = await this.c.storage()
    if (use === undefined || use.totalBytes <= 0) return
    const share = use.usedBytes / use.totalBytes
    if (share < STORAGE_FULL.rearmBelow) { this.storageArmed = true; return }
    const now = this.clock()
    if (share < STORAGE_FULL.at || !this.storageArmed || now - this.lastStorageAt < STORAGE_FULL.minGapMs) return
    this.storageArmed = false
    this.lastStorageAt = now
    this.tell(storageAlmostFullNotice(use.usedBytes, use.totalBytes))
  }

  private watchPeers (now: number): void {
    const peers = this.c.peers()
    const paired = new Set(peers.map(peer => peer.peerId))
    for (const id of [...this.missingSince.keys()]) if (!paired.has(id)) this.missingSince.delete(id)
    for (const id of [...this.toldUnreachable]) if (!paired.has(id)) this.toldUnreachable.delete(id)
    for (const peer of peers) {
      if (peer.online) {
        // Back: the next outage gets its own notice.
        this.missingSince.delete(peer.peerId)
        this.toldUnreachable.delete(peer.peerId)
        continue
      }
      const firstMissed = this.missingSince.get(peer.peerId) ?? now
      this.missingSince.set(peer.peerId, firstMissed)
      // An outage counts from the later of its last answer, our first look without it, and waking up.
      const since = Math.max(peer.lastSeen, this.watchingSince, firstMissed)
      if (now - since < PEER_UNREACHABLE_MS || this.toldUnreachable.has(peer.peerId)) continue
      this.toldUnreachable.add(peer.peerId)
      this.tell(peerUnreachableNotice(peer.name, peer.peerId))
    }
  }

  private tell (notice: Notice): void {
    // Said in the log either way (no names in it): what was noticed, and whether it was shown.
    if (!this.isOn(notice.kind)) {
      this.c.log.info(`notice not shown (${notice.kind} is turned off): ${notice.title}`)
      return
    }
    this.c.log.info(`notice: ${notice.title}`)
    this.c.emit(notice)
  }

  private isOn (kind: NoticeKind): boolean {
    return this.settingsNow[kind]
  }
}
