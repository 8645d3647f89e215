import { systemClock, type Clock } from '../clock.ts'
import { TRASH_DAYS, type FolderEntry, type FolderSource } from './folder-source.ts'
import { IGNORE_FILE, IgnoreRules } from './ignore-rules.ts'
import type { ScanState } from './scan-state.ts'
import { codeOf, diskCode, type ScanContext } from './scan-context.ts'
import { syncDiskToVault } from './disk-to-vault.ts'
import { syncVaultToDisk } from './vault-to-disk.ts'
import { emptyReport, type FolderSyncComponents, type FolderSyncInit, type ScanReport, type SyncProgress } from './sync-types.ts'

const DAY_MS = 86_400_000
/** A long scan saves its state this often, so a crash loses little. */
const CHECKPOINT_MS = 10_000
/**
 * An empty root waits for the user only when it held at least this many
 * files: a folder's one file deleted is taken at its word (it goes to the
 * vault's Trash all the same), a whole folder vanishing at once is not.
 */
const EMPTY_ROOT_MIN_FILES = 2

/**
 * One synced folder's engine, written once for both hosts: a scan lists the
 * folder (ignore rules applied, ignored folders not walked), sends what
 * changed on disk to the vault and, in two-way mode, what changed in the
 * vault to disk; then saves the scan state. Scans never overlap: a scan
 * asked for while one runs starts when it ends.
 */
export class FolderSyncEngine {
  private running: Promise<ScanReport> | undefined
  private again = false
  private readonly now: Clock
  private current: SyncProgress = { phase: 'idle', filesToGo: 0, bytesToGo: 0, filesDone: 0, bytesDone: 0, since: 0 }
  /** The ignore rules in force (from the last scan). */
  rules = new IgnoreRules()
  /**
   * The state as the last scan that finished left it (and saved it, when it
   * changed): the next scan starts from it instead of opening and parsing the
   * sealed record again, which at 100k files took longer than the listing.
   * Dropped when a scan fails, so that one's unsaved changes are not kept.
   */
  private held: ScanState | undefined
  /** The user said the folder really is empty: the next scan records its files as deleted even so. */
  private emptyConfirmed = false
  /** The last scan found the root empty (its log line is written once, not at every rescan). */
  private waitingEmpty = false

  constructor (private init: FolderSyncInit, private readonly components: FolderSyncComponents) {
    this.now = components.now ?? systemClock
  }

  /** The folder this engine syncs. */
  get source (): FolderSource {
    return this.components.source
  }

  get settings (): FolderSyncInit {
    return this.init
  }

  /** Changes mode or vault folder; applies from the next scan. */
  configure (changes: Partial<FolderSyncInit>): void {
    this.init = { ...this.init, ...changes }
  }

  /** The folder really is empty (not an unplugged drive): the next scan records its files as deleted. */
  confirmEmpty (): void {
    this.emptyConfirmed = true
  }

  progress (): SyncProgress {
    return { ...this.current }
  }

  /** Runs a scan (or joins the one running, then runs one more so nothing changed meanwhile is missed). */
  async scan (): Promise<ScanReport> {
    if (this.running !== undefined) {
      this.again = true
      return await this.running
    }
    this.running = (async () => {
      try {
        let report = await this.scanOnce()
        while (this.again) {
          this.again = false
          report = addedUp(report, await this.scanOnce())
        }
        return report
      } finally {
        this.running = undefined
        this.current = { ...this.current, phase: 'idle', filesToGo: 0, bytesToGo: 0 }
      }
    })()
    return await this.running
  }

  private async scanOnce (): Promise<ScanReport> {
    const { source, vault, log } = this.components
    const now = this.now()
    this.current = { phase: 'scanning', filesToGo: 0, bytesToGo: 0, filesDone: 0, bytesDone: 0, since: now }
    const state = this.held ?? await this.components.state.load()
    this.held = undefined
    // Taken by this scan, used or not: a confirmation never waits to apply to a later emptying.
    const emptyConfirmed = this.emptyConfirmed
    this.emptyConfirmed = false
    const before = { files: Object.keys(state.files).length, ignore: state.ignoreStamp?.mtime, trash: state.trashDays.length }
    this.rules = await this.loadRules(state)
    const report = emptyReport()
    const listing = new Map<string, FolderEntry>()
    // What the listing could not look into: the files tracked there are not gone, and nothing is written there this scan.
    const unseen: string[] = []
    const onSkipped = (path: string, code: string): void => {
      if (this.rules.ignoresFile(path)) return
      unseen.push(path)
      report.skipped.push({ path, code: diskCode(code) })
    }
    for await (const entry of source.list({ skipFolder: (path) => this.rules.ignoresFolder(path), onSkipped })) {
      if (!this.rules.ignoresFile(entry.path)) listing.set(entry.path, entry)
    }
    // A file the rules now leave out stays in the vault as it is: it is only no longer synced.
    for (const path of Object.keys(state.files)) if (this.rules.ignoresFile(path)) delete state.files[path]
    // An empty root while files are tracked is most often an unplugged drive or share (its mount point stays):
    // taken as deletions, every file would go to the vault's Trash and every two-way device's copy to .cairn-trash.
    const tracked = Object.keys(state.files).length
    if (!emptyConfirmed && tracked >= EMPTY_ROOT_MIN_FILES && listing.size === 0 && unseen.length === 0 && await source.isEmpty()) {
      if (!this.waitingEmpty) log.warn('folder sync: the folder is empty now while the vault holds its files; nothing is recorded until they are back or the user confirms')
      this.waitingEmpty = true
      this.held = state
      return { ...report, tracked, rootEmpty: true }
    }
    this.waitingEmpty = false
    this.current.phase = 'syncing'
    let lastSave = now
    const ctx: ScanContext = {
      init: this.init, source, vault, log, now, state, listing,
      report,
      progress: this.current,
      // By time, not by count: each save writes the whole state, so saving every N files would be quadratic.
      checkpoint: async () => {
        if (this.now() - lastSave < CHECKPOINT_MS) return
        lastSave = this.now()
        await this.components.state.save(state)
      },
      handled: new Set(),
      dirty: false,
      // (A file in an ignored folder is ignored too: the matcher looks at its folders.)
      ignored: (path) => this.rules.ignoresFile(path),
      unseen: unseen.length === 0 ? () => false : (path) => unseen.some(p => path === p || path.startsWith(`${p}/`))
    }
    await syncDiskToVault(ctx)
    if (this.init.mode === 'two-way') await syncVaultToDisk(ctx)
    await this.emptyOldTrash(state, now)
    const r = ctx.report
    ctx.report.tracked = Object.keys(state.files).length
    // Every change to the state shows in the report or in these counts: a scan that found nothing writes nothing.
    const changed = ctx.dirty || r.uploaded + r.deduplicated + r.moved + r.deleted + r.written + r.trashed + r.conflicts > 0 ||
      r.tracked !== before.files || state.ignoreStamp?.mtime !== before.ignore || state.trashDays.length !== before.trash
    if (changed) await this.components.state.save(state)
    this.held = state
    return ctx.report
  }

  /** `.cairnignore` is read again only when its size or mtime changed. */
  private async loadRules (state: ScanState): Promise<IgnoreRules> {
    const { source } = this.components
    const stat = await source.stat(IGNORE_FILE)
    if (stat === undefined) {
      delete state.ignoreStamp
      return this.rulesOf('')
    }
    const stamp = state.ignoreStamp
    if (stamp !== undefined && stamp.size === stat.size && stamp.mtime === stat.mtime) return this.rulesOf(stamp.text)
    const text = await new Response(await source.read(IGNORE_FILE)).text()
    state.ignoreStamp = { size: stat.size, mtime: stat.mtime, text }
    return this.rulesOf(text)
  }

  /** The rules in force when their text is the same: they remember each path's answer, so a rescan asks again cheaply. */
  private rulesOf (text: string): IgnoreRules {
    return this.rules.custom === text ? this.rules : new IgnoreRules(text)
  }

  /** `.cairn-trash/<day>` folders older than TRASH_DAYS are deleted. */
  private async emptyOldTrash (state: ScanState, now: number): Promise<void> {
    const keep: string[] = []
    for (const day of state.trashDays) {
      const at = Date.parse(`${day}T00:00:00Z`)
      if (!Number.isFinite(at) || now - at <= TRASH_DAYS * DAY_MS) {
        keep.push(day)
        continue
      }
      try {
        await this.components.source.remove(`.cairn-trash/${day}`)
      } catch (err) {
        // Refused (the trash is now a link to elsewhere) or held open: kept for a later scan; the folder's sync goes on.
        this.components.log.warn(`folder sync: .cairn-trash/${day} could not be emptied (${codeOf(err)})`)
        keep.push(day)
      }
    }
    state.trashDays = keep
  }
}

/** Two scans run as one (one was asked for while the other ran): the changes of both, the state after the second. */
function addedUp (first: ScanReport, second: ScanReport): ScanReport {
  const sum = (key: 'uploaded' | 'deduplicated' | 'moved' | 'deleted' | 'written' | 'trashed' | 'conflicts'): number => first[key] + second[key]
  return { ...second, uploaded: sum('uploaded'), deduplicated: sum('deduplicated'), moved: sum('moved'), deleted: sum('deleted'), written: sum('written'), trashed: sum('trashed'), conflicts: sum('conflicts') }
}
