import { conflictName } from '../index/conflict-name.ts'
import type { FolderEntry } from './folder-source.ts'
import type { TrackedFile } from './scan-state.ts'
import type { SyncedVaultFile } from './vault-port.ts'
import { codeOf, relativeOf, unchanged, vaultPathOf, type ScanContext } from './scan-context.ts'
import { claimVaultPaths } from './vault-path-claims.ts'

/** Codes that mean the file changed while it was read: it is still being written, try again later. */
const STILL_WRITING = new Set(['STREAM_TRUNCATED', 'TRAILING_DATA', 'FILE_NOT_FOUND'])

/**
 * Disk → vault: new and changed files are added through the vault's own add
 * (whose dedup tag stores known content once), a file that vanished from one
 * path while one of equal content appeared elsewhere is a rename, and a file
 * gone from disk becomes a deletion in the vault. Size and mtime decide what
 * is read at all: an unchanged file is never opened.
 */
export async function syncDiskToVault (ctx: ScanContext): Promise<void> {
  const { state, listing, init } = ctx
  const added: FolderEntry[] = []
  const changed: FolderEntry[] = []
  // Sizes of new files still settling: a file gone with one of these sizes may have moved there, so it waits too.
  const settlingSizes = new Set<number>()
  // Two spellings of one vault path (NFC and NFD): one holds it, the others wait, reported.
  const leftOut = claimVaultPaths(ctx)
  for (const entry of listing.values()) {
    if (leftOut.has(entry.path)) continue
    const tracked = state.files[entry.path]
    if (tracked !== undefined && unchanged(entry, tracked)) continue
    // Still being written: its mtime is too fresh. A later scan takes it once it settles.
    // An mtime far in the future (a camera's wrong clock, an unpacked archive) is no sign of writing:
    // such a file would otherwise never settle. A read that finds it changing still waits.
    const age = ctx.now - entry.mtime
    if (age < init.settleMs && age > -init.settleMs) {
      ctx.report.unsettled++
      if (tracked === undefined) settlingSizes.add(entry.size)
      continue
    }
    if (tracked === undefined) added.push(entry)
    else changed.push(entry)
  }
  const gone = new Map<string, TrackedFile>()
  for (const [path, tracked] of Object.entries(state.files)) if (!listing.has(path) && !settlingSizes.has(tracked.size) && !ctx.unseen(path)) gone.set(path, tracked)
  const moves = new GoneFiles(gone)

  ctx.progress.filesToGo = added.length + changed.length
  ctx.progress.bytesToGo = [...added, ...changed].reduce((sum, e) => sum + e.size, 0)

  // Listed only when some file changed or went: a rescan that found nothing new asks the vault for nothing.
  const live = changed.length > 0 || gone.size > 0 ? new Map(ctx.vault.list().filter(f => f.versionId === undefined).map(f => [f.fileId, f])) : new Map<string, SyncedVaultFile>()
  // Two-way: a file here that no scan recorded, at a path the vault already holds, may be older or newer (a first scan, a lost state).
  const livePaths = init.mode === 'two-way' && added.length > 0 ? new Map(ctx.vault.list().filter(f => f.versionId === undefined).map(f => [f.path, f])) : undefined
  for (const entry of added) {
    if (await recordMove(ctx, entry, moves)) continue
    if (livePaths !== undefined && await meetVaultFile(ctx, entry, livePaths)) continue
    await upload(ctx, entry)
  }
  for (const entry of changed) {
    const tracked = state.files[entry.path]
    const remote = tracked !== undefined ? live.get(tracked.fileId) : undefined
    // A conflict copy changed here is kept aside: its vault path shows the copy, so an add there would replace its file.
    if (tracked?.versionId !== undefined) {
      await keepBoth(ctx, entry)
      continue
    }
    if (init.mode === 'two-way' && tracked !== undefined && remote !== undefined) {
      // Changed here and, since the last scan, in the vault too: keep both, unless the disk already holds the vault's version.
      if (remote.tag !== tracked.tag) {
        await meetRemoteEdit(ctx, entry, tracked, remote)
        continue
      }
      // Moved on another device, edited here: the edit becomes the moved file's next version, and the vault → disk pass moves it here too.
      if (remote.path !== tracked.vaultPath && followsToDisk(ctx, remote.path)) {
        await upload(ctx, entry, { addAt: remote.path, recordAs: tracked.vaultPath })
        continue
      }
    }
    await upload(ctx, entry)
  }
  for (const [path, tracked] of gone) {
    if (tracked.versionId !== undefined) {
      await dropCopy(ctx, tracked)
      delete state.files[path]
      continue
    }
    // Deleted on disk: a tombstone in the vault (its Trash), if the file is still where this folder put it
    // and as it was: an edit made on another device since the last scan wins over this delete (the vault → disk pass writes it back).
    const remote = live.get(tracked.fileId)
    if (remote !== undefined && remote.path === tracked.vaultPath && remote.tag === tracked.tag) {
      await ctx.vault.remove(tracked.fileId)
      ctx.report.deleted++
    }
    delete state.files[path]
  }
}

/**
 * The files gone from disk that a new path may be a move of, found by size
 * and tag: a folder of 100k files renamed meets each gone file once, never
 * the whole list per new path (which took hours). A conflict copy is never
 * one: it is not a file of its own in the vault, and renaming its id would
 * move the file it is a copy of.
 */
class GoneFiles {
  private readonly sizes = new Map<number, number>()
  private readonly byTag = new Map<string, string[]>()

  constructor (private readonly gone: Map<string, TrackedFile>) {
    for (const [path, t] of gone) {
      if (t.versionId !== undefined) continue
      this.sizes.set(t.size, (this.sizes.get(t.size) ?? 0) + 1)
      const same = this.byTag.get(t.tag)
      if (same === undefined) this.byTag.set(t.tag, [path])
      else same.push(path)
    }
  }

  /** Whether some gone file has this size (only then is the new file read, for its tag). */
  hasSize (size: number): boolean {
    return (this.sizes.get(size) ?? 0) > 0
  }

  /** The first gone file (in listing order) of this size and tag. */
  find (size: number, tag: string): [string, TrackedFile] | undefined {
    for (const path of this.byTag.get(tag) ?? []) {
      const t = this.gone.get(path)
      if (t !== undefined && t.size === size) return [path, t]
    }
    return undefined
  }

  /** `path` was matched: it is a move, no longer gone. */
  take (path: string): void {
    const t = this.gone.get(path)
    if (t === undefined) return
    this.gone.delete(path)
    this.sizes.set(t.size, (this.sizes.get(t.size) ?? 1) - 1)
    const same = this.byTag.get(t.tag)
    const at = same?.indexOf(path) ?? -1
    if (same !== undefined && at >= 0) same.splice(at, 1)
  }
}

/**
 * A new path whose content equals a file gone from another path: a move.
 * Only files of a size some gone file had are read (to compare tags).
 */
async function recordMove (ctx: ScanContext, entry: FolderEntry, gone: GoneFiles): Promise<boolean> {
  if (!gone.hasSize(entry.size)) return false
  const tag = await diskTag(ctx, entry)
  if (tag === undefined) return true
  const match = gone.find(entry.size, tag)
  if (match === undefined) return false
  const [oldPath, tracked] = match
  let vaultPath: string
  try {
    vaultPath = vaultPathOf(ctx.init, entry.path)
  } catch (err) {
    ctx.report.skipped.push({ path: entry.path, code: codeOf(err) })
    return true
  }
  try {
    await ctx.vault.rename(tracked.fileId, vaultPath)
  } catch (err) {
    const code = codeOf(err)
    if (code === 'VAULT_LOCKED') throw err
    // Deleted in the vault meanwhile, or its new name taken there by another file: not a move the vault can follow.
    // The file is then new here (uploaded, or kept both beside the vault's file in two-way), and the gone one goes as deleted.
    if (code === 'FILE_NOT_FOUND' || code === 'PATH_EXISTS') return false
    ctx.report.skipped.push({ path: entry.path, code })
    return true
  }
  gone.take(oldPath)
  delete ctx.state.files[oldPath]
  ctx.state.files[entry.path] = { ...tracked, size: entry.size, mtime: entry.mtime, vaultPath }
  ctx.report.moved++
  done(ctx, entry)
  return true
}

/**
 * Where an upload goes when not at the file's own vault path: added at
 * `addAt` (a file there keeps its id, this is its next version) and recorded
 * as at `recordAs`, so the vault → disk pass sees the move still to make here.
 */
interface UploadTarget {
  addAt: string
  recordAs: string
}

async function upload (ctx: ScanContext, entry: FolderEntry, target?: UploadTarget): Promise<void> {
  let vaultPath: string
  try {
    vaultPath = vaultPathOf(ctx.init, entry.path)
  } catch (err) {
    ctx.report.skipped.push({ path: entry.path, code: codeOf(err) })
    return
  }
  try {
    const result = await ctx.vault.add(target?.addAt ?? vaultPath, await ctx.source.read(entry.path), entry.size, entry.mtime)
    ctx.state.files[entry.path] = { size: entry.size, mtime: entry.mtime, tag: result.tag, fileId: result.fileId, vaultPath: target?.recordAs ?? vaultPath }
    if (result.deduplicated) ctx.report.deduplicated++
    else ctx.report.uploaded++
  } catch (err) {
    // Changed under the read (still being written, or deleted): the next scan sees it as it is then.
    if (STILL_WRITING.has(codeOf(err))) {
      ctx.report.unsettled++
      return
    }
    if (codeOf(err) === 'VAULT_LOCKED') throw err
    ctx.log.warn(`folder sync: a file could not be added (${codeOf(err)})`)
    ctx.report.skipped.push({ path: entry.path, code: codeOf(err) })
    return
  }
  done(ctx, entry)
  await ctx.checkpoint()
}

/**
 * An untracked file at a path the vault holds: the same content is simply
 * tracked; different content is kept both ways (this one aside under a
 * conflict name, the vault's written at the path), since nothing says which
 * is newer. True when handled.
 */
async function meetVaultFile (ctx: ScanContext, entry: FolderEntry, livePaths: Map<string, SyncedVaultFile>): Promise<boolean> {
  let vaultPath: string
  try {
    vaultPath = vaultPathOf(ctx.init, entry.path)
  } catch {
    return false
  }
  const there = livePaths.get(vaultPath)
  if (there === undefined) return false
  const tag = await diskTag(ctx, entry)
  if (tag === undefined) return true
  if (tag === there.tag) {
    ctx.state.files[entry.path] = { size: entry.size, mtime: entry.mtime, tag, fileId: there.fileId, vaultPath }
    ctx.dirty = true
    done(ctx, entry)
    return true
  }
  await keepBoth(ctx, entry)
  return true
}

/**
 * Changed on disk and in the vault since the last scan. The disk may already
 * hold the vault's version: a scan that wrote it there stopped before saving
 * its state (the app killed, the save failed). Then it is only tracked
 * again; else both are kept.
 */
async function meetRemoteEdit (ctx: ScanContext, entry: FolderEntry, tracked: TrackedFile, remote: SyncedVaultFile): Promise<void> {
  const tag = await diskTag(ctx, entry)
  if (tag === undefined) return
  if (tag !== remote.tag) {
    await keepBoth(ctx, entry)
    return
  }
  // The vault path stays the recorded one: if the file moved there too, the vault → disk pass moves it here.
  ctx.state.files[entry.path] = { size: entry.size, mtime: entry.mtime, tag, fileId: tracked.fileId, vaultPath: tracked.vaultPath }
  ctx.dirty = true
  done(ctx, entry)
}

/**
 * Whether the vault → disk pass writes and moves a file at `vaultPath`: in
 * the mapped folder and not left out by the ignore rules.
 */
function followsToDisk (ctx: ScanContext, vaultPath: string): boolean {
  const rel = relativeOf(ctx.init, vaultPath)
  return rel !== undefined && !ctx.ignored(rel)
}

/**
 * The disk file's dedup tag, as the vault tags content. Undefined when it
 * could not be read: still being written (counted as unsettled), or refused
 * (reported as skipped, so one unreadable file does not stop the folder);
 * a later scan tries again.
 */
async function diskTag (ctx: ScanContext, entry: FolderEntry): Promise<string | undefined> {
  try {
    return await ctx.vault.tagOf(await ctx.source.read(entry.path))
  } catch (err) {
    const code = codeOf(err)
    if (code === 'VAULT_LOCKED') throw err
    if (STILL_WRITING.has(code)) ctx.report.unsettled++
    else ctx.report.skipped.push({ path: entry.path, code })
    return undefined
  }
}

/**
 * Changed on disk and in the vault since the last scan: the disk's version
 * moves aside under a conflict name (as the index names concurrent edits)
 * and goes to the vault as its own file; the vault's version is then written
 * at the path by the vault → disk pass. Nothing is lost on either side.
 */
async function keepBoth (ctx: ScanContext, entry: FolderEntry): Promise<void> {
  const aside = freeConflictName(ctx, entry.path)
  try {
    await ctx.source.rename(entry.path, aside)
  } catch (err) {
    // The disk refused the move (a file held open, a read-only folder): both versions stay where they are,
    // the vault → disk pass writes nothing over a file changed here, and a later scan tries again.
    ctx.report.skipped.push({ path: entry.path, code: codeOf(err) })
    return
  }
  ctx.handled.add(entry.path)
  const moved = await ctx.source.stat(aside)
  if (moved !== undefined) {
    ctx.listing.set(aside, moved)
    await upload(ctx, moved)
  }
  ctx.listing.delete(entry.path)
  ctx.report.conflicts++
}

/**
 * The conflict name for `path` that nothing holds yet, on disk or in the
 * vault: the index's own copy of an earlier conflict may have the very name
 * (same device, same day), and an add at a copy's name would replace its file.
 */
function freeConflictName (ctx: ScanContext, path: string): string {
  const inVault = new Set(ctx.vault.list().map(f => f.path))
  const taken = (name: string): boolean => {
    if (ctx.listing.has(name) || ctx.state.files[name] !== undefined) return true
    try {
      return inVault.has(vaultPathOf(ctx.init, name))
    } catch {
      return false
    }
  }
  let attempt = 1
  let name = conflictName(path, ctx.init.deviceLabel, ctx.now)
  while (taken(name)) name = conflictName(path, ctx.init.deviceLabel, ctx.now, ++attempt)
  return name
}

/**
 * A conflict copy deleted from the folder: the user dropped that edit, as
 * "Resolve…" → keep the other would (it stays an earlier version of its file).
 * Already resolved elsewhere, it is only no longer tracked.
 */
async function dropCopy (ctx: ScanContext, tracked: TrackedFile): Promise<void> {
  const { versionId } = tracked
  if (versionId === undefined || ctx.vault.dropEdit === undefined) return
  if (!ctx.vault.list().some(f => f.fileId === tracked.fileId && f.versionId === versionId)) return
  try {
    await ctx.vault.dropEdit(tracked.fileId, versionId)
    ctx.report.deleted++
  } catch (err) {
    if (codeOf(err) === 'VAULT_LOCKED') throw err
    // Resolved on another device meanwhile: nothing left to drop.
    if (codeOf(err) !== 'NOT_A_CONFLICT') ctx.report.skipped.push({ path: tracked.vaultPath, code: codeOf(err) })
  }
}

function done (ctx: ScanContext, entry: FolderEntry): void {
  ctx.progress.filesDone++
  ctx.progress.bytesDone += entry.size
  ctx.progress.filesToGo = Math.max(0, ctx.progress.filesToGo - 1)
  ctx.progress.bytesToGo = Math.max(0, ctx.progress.bytesToGo - entry.size)
}
