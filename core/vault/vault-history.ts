import type { Blockstore } from 'interface-blockstore'
import type { Clock } from '../clock.ts'
import { shortDeviceLabel } from '../index/conflict-name.ts'
import type { TrashView, VersionView } from '../index/history.ts'
import type { IndexLog } from '../index/index-log.ts'
import type { Log } from '../log.ts'
import type { FileInfo, FileVersion, TrashItem, TrashRestoreResult } from './vault-views.ts'
import { freeContent } from './free-content.ts'
import { DAY_MS, TRASH_DAYS, trashCutoff, trashDue, versionsDue, type VersionRetention } from './retention.ts'
import { toFileInfo } from './vault-files.ts'
import { isFolderRecord } from './folder-records.ts'

export interface VaultHistoryComponents {
  /** The local store: freed blocks are deleted from it. */
  blockstore: Blockstore
  index: IndexLog
  log: Log
}

export interface VaultHistoryInit {
  deviceId: string
  /** Wall clock in ms; tests move it by hand. */
  now: Clock
  /** The retention Settings chose (read at each tidy). */
  retention: () => VersionRetention
  /** Roots and blocks of the share copies: never freed here. */
  shareContent: () => Promise<{ roots: string[], blocks: string[] }>
  /** Whether an upload in flight is about to name this root (VaultFiles.inUse): never freed here. */
  inUse?: (root: string) => boolean
  /** Content roots this history just freed: their thumbnails go with them. */
  onForgotten?: (roots: string[]) => Promise<void>
}

/**
 * Versions and the Trash of an unlocked vault (the ops and views are in
 * core/index/history.ts). Whatever makes content unneeded — pruning a
 * version, emptying the Trash — frees its local blocks in the same step,
 * unless a file, a version, a Trash item or a share copy still uses them.
 * Backup follows by itself: it pins what the index retains (backup-state.ts),
 * so the peers get an unpin and keep the content for their retention window.
 */
export class VaultHistory {
  private tidying: Promise<boolean> | undefined

  constructor (private readonly c: VaultHistoryComponents, private readonly init: VaultHistoryInit) {}

  versions (fileId: string): FileVersion[] {
    return this.earlierVersions(fileId).map(v => this.toVersion(v))
  }

  /**
   * Earlier versions, less the concurrent edits: those are on the Files page
   * as conflict copies, kept until resolved, so neither listed twice nor
   * pruned by the retention.
   */
  private earlierVersions (fileId: string): VersionView[] {
    const copies = this.c.index.listFiles().filter(f => f.fileId === fileId && f.versionId !== undefined)
    if (copies.length === 0) return this.c.index.history.versions(fileId)
    const shown = new Set(copies.flatMap(f => [f.versionId, f.entry.cid]))
    return this.c.index.history.versions(fileId).filter(v => !shown.has(v.versionId) && !shown.has(v.entry.cid))
  }

  /** Makes an earlier version current; the content it replaces becomes a version. */
  async restoreVersion (fileId: string, versionId: string): Promise<FileInfo> {
    const view = await this.c.index.history.restoreVersion(fileId, versionId)
    this.c.log.info('restored an earlier version of a file')
    await this.tidy()
    return toFileInfo(view)
  }

  trash (): TrashItem[] {
    // A folder record is emptied with the rest, never shown: restoring its files brings the folder back.
    return this.c.index.history.trash().map(item => toTrashItem(item)).filter(item => !isFolderRecord(item))
  }

  async restoreFromTrash (fileId: string, path?: string): Promise<FileInfo> {
    const view = await this.c.index.history.restoreFromTrash(fileId, path)
    this.c.log.info('restored a file from the Trash')
    return toFileInfo(view)
  }

  /** Brings many files back from the Trash in one index update (IndexHistory.restoreManyFromTrash). */
  async restoreManyFromTrash (fileIds: readonly string[]): Promise<TrashRestoreResult> {
    const { restored, skipped } = await this.c.index.history.restoreManyFromTrash(fileIds)
    const renamed = restored.filter(r => r.view.path !== r.was).length
    this.c.log.info(`restored ${restored.length} ${restored.length === 1 ? 'file' : 'files'} from the Trash${renamed > 0 ? ` (${renamed} under a new name: the old one was taken)` : ''}${skipped.length > 0 ? `; ${skipped.length} not restored` : ''}`)
    return { restored: restored.map(r => ({ file: toFileInfo(r.view), was: r.was })), skipped }
  }

  /** Deletes files from the Trash for good (default: all of it). */
  async emptyTrash (fileIds?: readonly string[]): Promise<number> {
    const ids = fileIds ?? this.c.index.history.trash().map(item => item.fileId)
    let count = 0
    await this.forgetting(async () => { count = (await this.c.index.history.purge(ids)).length })
    this.c.log.info(`emptied ${count} ${count === 1 ? 'file' : 'files'} from the Trash`)
    return count
  }

  /**
   * Prunes the versions the retention no longer keeps and empties the Trash
   * of items older than TRASH_DAYS. Runs one at a time; true when it
   * forgot something.
   */
  async tidy (): Promise<boolean> {
    if (this.tidying !== undefined) return await this.tidying
    this.tidying = this.tidyNow().finally(() => { this.tidying = undefined })
    return await this.tidying
  }

  private async tidyNow (): Promise<boolean> {
    const now = this.init.now()
    const retention = this.init.retention()
    const index = this.c.index
    const trashed = index.history.trash()
    const dueTrash = trashDue(trashed, now)
    const inTrash = new Set(dueTrash.map(item => item.fileId))
    const fileIds = new Set([...trashed.map(t => t.fileId), ...index.listFiles().map(f => f.fileId)])
    const prunes: Array<{ fileId: string, versionId: string }> = []
    for (const fileId of fileIds) {
      if (inTrash.has(fileId)) continue
      for (const v of versionsDue(this.earlierVersions(fileId), retention, now)) prunes.push({ fileId, versionId: v.versionId })
    }
    if (prunes.length === 0 && dueTrash.length === 0) return false
    // Chosen before the index's lock: it writes only what is still due then, and says how much.
    let pruned = 0
    let emptied = 0
    await this.forgetting(async () => {
      if (prunes.length > 0) pruned = await index.history.prune(prunes)
      if (dueTrash.length > 0) emptied = (await index.history.purge(dueTrash.map(item => item.fileId), trashCutoff(now))).length
    })
    if (pruned > 0) this.c.log.info(`removed ${pruned} earlier ${pruned === 1 ? 'version' : 'versions'} past the keep setting`)
    if (emptied > 0) this.c.log.info(`emptied ${emptied} ${emptied === 1 ? 'file' : 'files'} from the Trash after ${TRASH_DAYS} days`)
    return pruned + emptied > 0
  }

  /** Runs `change`, then frees the local blocks of every root it left unneeded. */
  private async forgetting (change: () => Promise<void>): Promise<void> {
    const before = this.c.index.retainedCids()
    await change()
    const after = this.c.index.retainedCids()
    const gone = [...before].filter(cid => !after.has(cid))
    if (gone.length === 0) return
    const shares = await this.init.shareContent()
    const kept = new Set([...after, ...shares.roots])
    const inUse = this.init.inUse ?? (() => false)
    const deleted = await freeContent(this.c.blockstore, gone, {
      roots: { has: (root) => kept.has(root) || inUse(root) },
      blocks: new Set(shares.blocks)
    })
    this.c.log.info(`freed ${deleted} blocks of content nothing uses any more`)
    await this.init.onForgotten?.(gone.filter(root => !kept.has(root) && !inUse(root)))
  }

  private toVersion (v: VersionView): FileVersion {
    return {
      versionId: v.versionId,
      fileId: v.fileId,
      size: v.entry.size,
      mtime: v.entry.mtime,
      type: v.entry.type,
      savedAt: v.saved.wall,
      replacedAt: v.replacedAt,
      device: shortDeviceLabel(v.saved.device),
      thisDevice: v.saved.device === this.init.deviceId
    }
  }
}

function toTrashItem (item: TrashView): TrashItem {
  return {
    fileId: item.fileId,
    path: item.path,
    size: item.entry.size,
    mtime: item.entry.mtime,
    type: item.entry.type,
    deletedAt: item.deleted.wall,
    emptiesAt: item.deleted.wall + TRASH_DAYS * DAY_MS
  }
}
