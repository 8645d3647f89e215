import type { Log } from '../log.ts'
import type { SyncChanges, SyncFolderInfo, SyncFolderLocation, SyncFolderState } from '../rpc/api-sync.ts'
import { TRASH_FOLDER, type FolderSource, type FolderWatch } from './folder-source.ts'
import { FolderSyncEngine } from './folder-sync-engine.ts'
import type { ScanStateStore } from './scan-state.ts'
import { codeOf } from './scan-context.ts'
import type { FolderSyncInit, ScanReport } from './sync-types.ts'
import type { SyncVault } from './vault-port.ts'

/** A synced folder as stored (sealed) in the folder list. */
export interface StoredFolder {
  id: string
  label: string
  location: SyncFolderLocation
  mode: FolderSyncInit['mode']
  vaultFolder: string
  paused: boolean
  /** The user's rescan interval (s); the host's default when absent. */
  rescanSeconds?: number
}

export interface FolderRunnerTiming {
  /** Rescan on a schedule everywhere (the default: 60 s); a watcher only makes it sooner. */
  rescanMs: number
  /** A change is scanned this long after the last event of a burst. */
  debounceMs: number
  settleMs: number
}

export interface FolderRunnerComponents {
  vault: SyncVault
  state: ScanStateStore
  log: Log
  deviceLabel: () => string
  /** Something changed that the page shows (state, progress). */
  onChanged: () => void
  /** A scan changed the vault. */
  onVaultChanged: () => void
  /** Opens the folder afresh: one not there at start (a drive not plugged in) is looked for again on the schedule and at "Sync now". */
  open?: () => Promise<FolderSource | { state: SyncFolderState, error?: string }>
}

/**
 * Keeps one folder in step: a scan at start, on each burst of watcher
 * events, on a schedule, and again when files were still being written.
 */
export class FolderRunner {
  private engine: FolderSyncEngine | undefined
  private watch: FolderWatch | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private soon: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private scanning = false
  private last: ScanReport | undefined
  /** The changes since the folder was last in step (scans split by files still settling add up). */
  private changes: SyncChanges | undefined
  /** The next change starts a new count: the folder was in step since the last one (scans that only found files still settling count nothing). */
  private fresh = true
  private lastScanAt: number | undefined
  private problem: { state: SyncFolderState, error?: string } | undefined
  private reopening = false

  constructor (public folder: StoredFolder, private readonly components: FolderRunnerComponents, private readonly timing: FolderRunnerTiming) {}

  /** Starts on a source, or records why there is none (permission, a missing folder). */
  async start (source: FolderSource | { state: SyncFolderState, error?: string }): Promise<void> {
    if ('state' in source) {
      this.problem = source
      // Not there now (a drive not plugged in yet): looked for again on the schedule. A browser's permission needs the user's click instead.
      if (source.state === 'unavailable' && this.components.open !== undefined && !this.folder.paused && !this.stopped) {
        this.timer ??= setInterval(() => { void this.scan() }, this.rescanMs())
      }
      return
    }
    this.problem = undefined
    this.engine = new FolderSyncEngine(this.init(), { source, vault: this.components.vault, state: this.components.state, log: this.components.log })
    if (this.folder.paused) return
    await this.run()
  }

  /** A folder that could not be opened: tried again; once there, it is watched and scanned (awaited, for "Sync now"). */
  private async reopen (): Promise<void> {
    const open = this.components.open
    if (open === undefined || this.problem?.state !== 'unavailable' || this.folder.paused || this.stopped || this.reopening) return
    this.reopening = true
    try {
      const source = await open().catch((err: unknown) => ({ state: 'unavailable' as const, error: codeOf(err) }))
      if (this.stopped) return
      if ('state' in source) {
        this.problem = source
        return
      }
      this.problem = undefined
      this.engine = new FolderSyncEngine(this.init(), { source, vault: this.components.vault, state: this.components.state, log: this.components.log })
      await this.run(true)
    } finally {
      this.reopening = false
      this.components.onChanged()
    }
  }

  private init (): FolderSyncInit {
    return { mode: this.folder.mode, vaultFolder: this.folder.vaultFolder, settleMs: this.timing.settleMs, deviceLabel: this.components.deviceLabel() }
  }

  private async run (wait = false): Promise<void> {
    const engine = this.engine
    if (engine === undefined || this.stopped) return
    try {
      this.watch ??= await engine.source.watch((paths) => {
        if (paths.some(p => !p.startsWith(TRASH_FOLDER) && !p.includes('/.cairn-') && !p.startsWith('.cairn-'))) this.scanSoon(this.timing.debounceMs)
      })
    } catch (err) {
      this.components.log.warn(`folder sync: the folder cannot be watched (${codeOf(err)}); it is rescanned every ${Math.round(this.rescanMs() / 1000)} s`)
    }
    this.timer ??= setInterval(() => { void this.scan() }, this.rescanMs())
    if (wait) await this.scan()
    else void this.scan()
  }

  private rescanMs (): number {
    return this.folder.rescanSeconds !== undefined ? this.folder.rescanSeconds * 1000 : this.timing.rescanMs
  }

  /** A new rescan interval: the schedule restarts on it (when running). */
  setRescanSeconds (seconds: number): void {
    this.folder = { ...this.folder, rescanSeconds: seconds }
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = setInterval(() => { void this.scan() }, this.rescanMs())
  }

  private scanSoon (ms: number): void {
    if (this.soon !== undefined || this.stopped) return
    this.soon = setTimeout(() => { this.soon = undefined; void this.scan() }, ms)
  }

  /** One scan now (joins one running). Errors become the folder's state, never a throw. */
  async scan (): Promise<void> {
    const engine = this.engine
    if (engine === undefined) {
      await this.reopen()
      return
    }
    if (this.folder.paused || this.stopped) return
    this.scanning = true
    const progress = setInterval(() => { this.components.onChanged() }, 500)
    this.components.onChanged()
    try {
      engine.configure(this.init())
      const report = await engine.scan()
      // A scan joined while running hands every caller the same report: its changes count once.
      if (report !== this.last) this.addChanges(report)
      this.last = report
      this.lastScanAt = Date.now()
      this.problem = undefined
      if (report.uploaded + report.deduplicated + report.moved + report.deleted + report.conflicts > 0) this.components.onVaultChanged()
      if (report.unsettled > 0) this.scanSoon(this.timing.settleMs)
    } catch (err) {
      const code = codeOf(err)
      if (code !== 'VAULT_LOCKED') {
        this.components.log.warn(`folder sync: a scan of "${this.folder.label}" failed (${code})`)
        this.problem = { state: 'unavailable', error: code }
      }
    } finally {
      clearInterval(progress)
      this.scanning = false
      this.components.onChanged()
    }
  }

  /** The user confirmed the folder really is empty: a scan now records its files as deleted. */
  async confirmEmpty (): Promise<void> {
    const engine = this.engine
    if (engine === undefined || this.folder.paused || this.stopped) return
    engine.confirmEmpty()
    await this.scan()
  }

  private addChanges (report: ScanReport): void {
    const keys = ['uploaded', 'deleted', 'moved', 'written', 'trashed', 'conflicts'] as const
    const now = { uploaded: report.uploaded + report.deduplicated, deleted: report.deleted, moved: report.moved, written: report.written, trashed: report.trashed, conflicts: report.conflicts }
    if (keys.some(k => now[k] > 0)) {
      const base = this.fresh || this.changes === undefined ? { uploaded: 0, deleted: 0, moved: 0, written: 0, trashed: 0, conflicts: 0 } : this.changes
      this.changes = { uploaded: base.uploaded + now.uploaded, deleted: base.deleted + now.deleted, moved: base.moved + now.moved, written: base.written + now.written, trashed: base.trashed + now.trashed, conflicts: base.conflicts + now.conflicts }
      this.fresh = false
    }
    if (report.unsettled === 0) this.fresh = true
  }

  get source (): FolderSource | undefined {
    return this.engine?.source
  }

  async pause (): Promise<void> {
    this.folder = { ...this.folder, paused: true }
    await this.quiet()
  }

  async resume (): Promise<void> {
    this.folder = { ...this.folder, paused: false }
    await this.run()
  }

  async stop (): Promise<void> {
    this.stopped = true
    await this.quiet()
  }

  private async quiet (): Promise<void> {
    clearInterval(this.timer)
    clearTimeout(this.soon)
    this.timer = undefined
    this.soon = undefined
    const watch = this.watch
    this.watch = undefined
    await watch?.stop().catch(() => {})
  }

  info (): SyncFolderInfo {
    const p = this.engine?.progress()
    const state: SyncFolderState = this.problem?.state ?? (this.folder.paused
      ? 'paused'
      : this.scanning || this.engine === undefined || this.lastScanAt === undefined || (this.last?.unsettled ?? 0) > 0 ? 'syncing' : this.last?.rootEmpty === true ? 'emptied' : 'in-step')
    const seconds = p !== undefined && p.since > 0 ? (Date.now() - p.since) / 1000 : 0
    const last = this.last
    return {
      id: this.folder.id,
      label: this.folder.label,
      location: this.folder.location,
      mode: this.folder.mode,
      vaultFolder: this.folder.vaultFolder,
      rescanSeconds: Math.round(this.rescanMs() / 1000),
      state,
      progress: {
        filesToGo: p?.filesToGo ?? 0,
        bytesToGo: p?.bytesToGo ?? 0,
        filesDone: p?.filesDone ?? 0,
        bytesDone: p?.bytesDone ?? 0,
        rate: this.scanning && seconds > 0 ? Math.round((p?.bytesDone ?? 0) / seconds) : 0
      },
      ...(this.lastScanAt !== undefined ? { lastScanAt: this.lastScanAt } : {}),
      files: last?.tracked ?? 0,
      ...(this.changes !== undefined ? { last: this.changes } : {}),
      skipped: last?.skipped ?? [],
      renamedForDisk: last?.renamedForDisk ?? [],
      ...(this.problem?.error !== undefined ? { error: this.problem.error } : {})
    }
  }
}
