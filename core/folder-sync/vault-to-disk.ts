import type { TrackedFile } from './scan-state.ts'
import { safeDiskPath, takenKey } from './safe-names.ts'
import { codeOf, relativeOf, stillAsListed, unchanged, type ScanContext } from './scan-context.ts'
import type { SyncedVaultFile } from './vault-port.ts'

/**
 * Vault → disk (two-way only), after disk → vault: what other devices added
 * or changed under the mapped vault folder is written into the folder
 * (atomically), what they moved is moved, and what they deleted goes into
 * `.cairn-trash/`. A file on disk is only ever replaced or trashed when it is
 * exactly as recorded in the vault (its size and mtime unchanged since the
 * last scan): anything else was just uploaded, or waits for the next scan.
 * Right before it is changed, the file is looked at again (a save during a
 * long scan is newer than its listing), and a path the ignore rules leave
 * out is never written, moved or trashed: the file there is the user's own.
 *
 * A concurrent edit the index keeps beside its file (two devices changed it
 * while apart; core/index/conflicts.ts) is written too, under the conflict
 * name the vault shows it by, so the folder keeps both contents as the vault
 * does. Once resolved it is gone from the vault: kept as a file of its own,
 * the copy on disk is that file from then on; dropped, it goes to the trash.
 */
export async function syncVaultToDisk (ctx: ScanContext): Promise<void> {
  const { state, source } = ctx
  const live = ctx.vault.list()
  adoptKeptCopies(ctx, live)
  const byKey = new Map<string, [string, TrackedFile]>()
  for (const [path, tracked] of Object.entries(state.files)) byKey.set(keyOf(tracked.fileId, tracked.versionId), [path, tracked])
  const taken = new Set<string>([...ctx.listing.keys()].map(p => takenKey(p, source.nameRules)))
  const liveKeys = new Set(live.map(f => keyOf(f.fileId, f.versionId)))

  for (const file of live) {
    const rel = relativeOf(ctx.init, file.path)
    if (rel === undefined || ctx.ignored(rel) || ctx.unseen(rel)) continue
    const known = byKey.get(keyOf(file.fileId, file.versionId))
    if (known === undefined) {
      await writeNew(ctx, file, rel, taken)
      continue
    }
    const [path, tracked] = known
    if (ctx.handled.has(path) && ctx.listing.has(path)) continue
    const onDisk = ctx.listing.get(path)
    const asRecorded = unchanged(onDisk, tracked) || (onDisk === undefined && ctx.handled.has(path))
    if (!asRecorded) continue
    let at = path
    if (file.path !== tracked.vaultPath) {
      // Moved on another device: move it here too.
      const to = safeDiskPath(rel, source.nameRules, taken)
      if (ctx.ignored(to)) continue
      if (onDisk !== undefined) {
        try {
          if (!await stillAsListed(ctx, path)) continue
          await source.rename(path, to)
        } catch (err) {
          ctx.report.skipped.push({ path: to, code: codeOf(err) })
          continue
        }
        // The listing follows the move, so the file is found as listed at its new name.
        ctx.listing.delete(path)
        ctx.listing.set(to, { ...onDisk, path: to })
      }
      taken.add(takenKey(to, source.nameRules))
      delete state.files[path]
      state.files[to] = { ...tracked, vaultPath: file.path }
      at = to
      ctx.report.moved++
    }
    if (file.tag !== tracked.tag || onDisk === undefined) {
      // Saved (or recreated) here since the listing: that is newer than what it recorded; the next scan uploads it.
      if (!await stillAsListed(ctx, at)) continue
      await writeFile(ctx, file, at)
    }
  }

  for (const [path, tracked] of Object.entries(state.files)) {
    if (liveKeys.has(keyOf(tracked.fileId, tracked.versionId)) || ctx.handled.has(path)) continue
    // Deleted on another device (or a conflict copy dropped there). The deletion is in the vault, so the copy here may go to the trash.
    const onDisk = ctx.listing.get(path)
    if (onDisk !== undefined && unchanged(onDisk, tracked) && await stillAsListed(ctx, path)) {
      let trashed: string
      try {
        trashed = await source.trash(path, ctx.now)
      } catch (err) {
        if (codeOf(err) === 'VAULT_LOCKED') throw err
        // Held open by another program, or a read-only folder: it stays tracked, so a later scan trashes it then.
        ctx.report.skipped.push({ path, code: codeOf(err) })
        continue
      }
      const day = trashed.split('/')[1]
      if (day !== undefined && !state.trashDays.includes(day)) state.trashDays.push(day)
      ctx.report.trashed++
      delete state.files[path]
    }
  }
}

/** Tracked files and live vault files are matched by this: a conflict copy shares its file's id. */
function keyOf (fileId: string, versionId: string | undefined): string {
  return versionId === undefined ? fileId : `${fileId} ${versionId}`
}

/**
 * A conflict copy resolved as "keep both" became a file of its own at the
 * name it was shown under, with the same content: the copy on disk is that
 * file now (nothing written, nothing trashed).
 */
function adoptKeptCopies (ctx: ScanContext, live: SyncedVaultFile[]): void {
  const liveKeys = new Set(live.map(f => keyOf(f.fileId, f.versionId)))
  const trackedIds = new Set(Object.values(ctx.state.files).map(t => t.fileId))
  for (const [path, tracked] of Object.entries(ctx.state.files)) {
    if (tracked.versionId === undefined || liveKeys.has(keyOf(tracked.fileId, tracked.versionId))) continue
    const kept = live.find(f => f.versionId === undefined && f.path === tracked.vaultPath && f.tag === tracked.tag && !trackedIds.has(f.fileId))
    if (kept === undefined) continue
    ctx.state.files[path] = { size: tracked.size, mtime: tracked.mtime, tag: tracked.tag, fileId: kept.fileId, vaultPath: kept.path }
    trackedIds.add(kept.fileId)
    ctx.dirty = true
  }
}

async function writeNew (ctx: ScanContext, file: SyncedVaultFile, rel: string, taken: Set<string>): Promise<void> {
  const rules = ctx.source.nameRules
  const direct = safeDiskPath(rel, rules, new Set())
  // On a case-insensitive disk a name in the folder that differs only in case ("Case.txt", maybe written
  // just now) is another file, which a stat of this name would find: this one goes under a free name instead.
  const caseTwin = rules.caseInsensitive && !ctx.listing.has(direct) && taken.has(takenKey(direct, rules))
  // Something not yet synced sits at that very path (still being written, or left out by the rules,
  // or saved since the listing): leave it for the next scan, never write over it, and say so.
  if (!caseTwin && (ctx.listing.has(direct) || await ctx.source.stat(direct) !== undefined)) {
    notWritten(ctx, direct)
    return
  }
  const path = safeDiskPath(rel, rules, taken)
  if (path !== direct && (ctx.ignored(path) || await ctx.source.stat(path) !== undefined)) {
    notWritten(ctx, path)
    return
  }
  taken.add(takenKey(path, rules))
  if (path !== rel) ctx.report.renamedForDisk.push({ vaultPath: file.path, diskPath: path })
  ctx.state.files[path] = { size: -1, mtime: -1, tag: '', ...ids(file) }
  await writeFile(ctx, file, path)
}

/** A vault file left unwritten since its disk name is occupied: reported once (an upload that failed there may have said so already). */
function notWritten (ctx: ScanContext, path: string): void {
  if (!ctx.report.skipped.some(s => s.path === path)) ctx.report.skipped.push({ path, code: 'FOLDER_FILE_EXISTS' })
}

function ids (file: SyncedVaultFile): Pick<TrackedFile, 'fileId' | 'vaultPath' | 'versionId'> {
  return { fileId: file.fileId, vaultPath: file.path, ...(file.versionId !== undefined ? { versionId: file.versionId } : {}) }
}

async function writeFile (ctx: ScanContext, file: SyncedVaultFile, path: string): Promise<void> {
  const before = ctx.state.files[path]
  try {
    const written = await ctx.source.write(path, ctx.vault.open(file.fileId, file.versionId), file.mtime)
    ctx.state.files[path] = { size: written.size, mtime: written.mtime, tag: file.tag, ...ids(file) }
    ctx.listing.set(path, written)
    ctx.report.written++
  } catch (err) {
    if (codeOf(err) === 'VAULT_LOCKED') throw err
    // Not on this device yet (no peer online), or the disk refused: the next scan tries again.
    // A file already on disk stays recorded as it was, so it is not mistaken for a new one and sent back.
    if (before !== undefined && before.size >= 0) ctx.state.files[path] = before
    else delete ctx.state.files[path]
    ctx.report.skipped.push({ path, code: codeOf(err) })
  }
}
