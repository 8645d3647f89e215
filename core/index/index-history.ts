import { FileNotFoundError } from '../errors.ts'
import { trashedFile, trashOf, versionsOf, type TrashView, type VersionView } from './history.ts'
import type { IndexLog } from './index-log.ts'
import { canonicalEntry, type PartialOp } from './ops.ts'
import { normalizePath } from './paths.ts'
import { PathOccupancy } from './path-occupancy.ts'
import { listFiles, type FileView } from './state.ts'

/** What a batch restore from the Trash did. */
export interface TrashRestore {
  /** Each restored file as shown now (a taken name gets "name (2).ext"). */
  restored: Array<{ view: FileView, was: string }>
  /** Files not restored: no longer in the Trash, or a file is in the way of their folder. */
  skipped: Array<{ fileId: string, path?: string, reason: 'gone' | 'blocked' }>
}

/**
 * Versions and the Trash of an open index (the rules are in history.ts): the
 * reads, and the actions that restore or end history. Each action decides
 * from the state and writes under the index's lock (`IndexLog.transact`), so
 * what it chose cannot change before its ops are appended.
 */
export class IndexHistory {
  constructor (private readonly log: IndexLog) {}

  /** A file's earlier versions (live or in the Trash), newest first. */
  versions (fileId: string): VersionView[] {
    return versionsOf(this.log.state, fileId)
  }

  /** Deleted files waiting in the Trash, most recently deleted first. */
  trash (): TrashView[] {
    return trashOf(this.log.state)
  }

  /**
   * Makes an earlier version the live file's content (a put of its entry), so
   * the content it replaces becomes a version in turn. Throws FILE_NOT_FOUND
   * for a file that is not live or a version it does not have.
   */
  async restoreVersion (fileId: string, versionId: string): Promise<FileView> {
    return await this.log.transact(async (tx) => {
      const file = tx.liveFile(fileId)
      const version = versionsOf(tx.state, fileId).find(v => v.versionId === versionId)
      if (version === undefined) throw new FileNotFoundError('that version is no longer kept', { fileId })
      await tx.append([{ kind: 'put', fileId, path: file.storedPath, entry: canonicalEntry(version.entry), target: { ...file.updated } }])
      return tx.view(fileId)
    })
  }

  /**
   * Brings a file back from the Trash, with its versions, to `path` (default:
   * where it was). Throws FILE_NOT_FOUND (not in the Trash), PATH_INVALID,
   * PATH_EXISTS.
   */
  async restoreFromTrash (fileId: string, path?: string): Promise<FileView> {
    return await this.log.transact(async (tx) => {
      const item = trashedFile(tx.state, fileId)
      if (item === undefined) throw new FileNotFoundError('that file is not in the Trash', { fileId })
      const target = normalizePath(path ?? item.path)
      tx.assertPathFree(target, fileId)
      await tx.append([{ kind: 'put', fileId, path: target, entry: canonicalEntry(item.entry) }])
      return tx.view(fileId)
    })
  }

  /**
   * Brings many files back from the Trash where they were, in one index
   * update (a folder of 10,000 deleted by mistake is one action, not 10,000).
   * A name taken meanwhile gets a free one beside it ("name (2).ext"); a file
   * whose folder is now a file's name stays in the Trash, and so does an id
   * no longer in it; both are reported.
   */
  async restoreManyFromTrash (fileIds: readonly string[]): Promise<TrashRestore> {
    return await this.log.transact(async (tx) => {
      const places = new PathOccupancy(listFiles(tx.state))
      const ops: PartialOp[] = []
      const out: TrashRestore = { restored: [], skipped: [] }
      const placed: Array<{ fileId: string, was: string }> = []
      for (const fileId of new Set(fileIds)) {
        const item = trashedFile(tx.state, fileId)
        if (item === undefined) { out.skipped.push({ fileId, reason: 'gone' }); continue }
        const path = places.place(item.path)
        if (path === undefined) { out.skipped.push({ fileId, path: item.path, reason: 'blocked' }); continue }
        ops.push({ kind: 'put', fileId, path, entry: canonicalEntry(item.entry) })
        placed.push({ fileId, was: item.path })
      }
      if (ops.length > 0) await tx.append(ops)
      for (const { fileId, was } of placed) out.restored.push({ view: tx.view(fileId), was })
      return out
    })
  }

  /**
   * Forgets earlier versions, in one block: one prune op per put a version
   * stands for, each naming that put. A version is forgotten only if it is
   * still a version under that id now: a caller that chose it before taking
   * the lock (a tidy) must not forget a version restored meanwhile. Returns
   * how many versions were forgotten.
   */
  async prune (versions: ReadonlyArray<{ fileId: string, versionId: string }>): Promise<number> {
    return await this.log.transact(async (tx) => {
      const ops: PartialOp[] = []
      let count = 0
      for (const { fileId, versionId } of versions) {
        const version = versionsOf(tx.state, fileId).find(k => k.versionId === versionId)
        const path = tx.state.files.get(fileId)?.placement?.path
        if (version === undefined || path === undefined) continue
        count++
        for (const target of version.puts) ops.push({ kind: 'prune', fileId, path, target })
      }
      await tx.append(ops)
      return count
    })
  }

  /**
   * Empties files out of the Trash for good, with their versions (one purge
   * op each, naming the delete that put it there). Files not in the Trash are
   * skipped, and with `deletedBy` so are those deleted after it (wall ms):
   * deleted again since a tidy chose them.
   */
  async purge (fileIds: readonly string[], deletedBy?: number): Promise<TrashView[]> {
    return await this.log.transact(async (tx) => {
      const items = fileIds.map(id => trashedFile(tx.state, id))
        .filter((item): item is TrashView => item !== undefined && (deletedBy === undefined || item.deleted.wall <= deletedBy))
      await tx.append(items.map(item => ({ kind: 'purge' as const, fileId: item.fileId, path: item.path, target: item.deleted })))
      return items
    })
  }
}
