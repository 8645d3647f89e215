import type { TrackedFile } from './scan-state.ts'
import { safeDiskPath, takenKey } from './safe-names.ts'
import { codeOf, relativeOf, unchanged, type ScanContext } from './scan-context.ts'
import type { SyncedVaultFile } from './vault-port.ts'

/**
 * Vault → disk (two-way only), after disk → vault: what other devices added
 * or changed under the mapped vault folder is written into the folder
 * (atomically), what they moved is moved, and what they deleted goes into
 * `.cairn-trash/`. A file on disk is only ever replaced or trashed when it is
 * exactly as recorded in the vault (its size and mtime unchanged since the
 * last scan): anything else was just uploaded, or waits for the next scan.
 */
export async function syncVaultToDisk (ctx: ScanContext): Promise<void> {
  const { state, source } = ctx
  const byFileId = new Map<string, [string, TrackedFile]>()
  for (const [path, tracked] of Object.entries(state.files)) byFileId.set(tracked.fileId, [path, tracked])
  const taken = new Set<string>([...ctx.listing.keys()].map(p => takenKey(p, source.nameRules)))
  const live = ctx.vault.list().filter(f => f.versionId === undefined)
  const liveIds = new Set(live.map(f => f.fileId))

  for (const file of live) {
    const rel = relativeOf(ctx.init, file.path)
    if (rel === undefined) continue
    const known = byFileId.get(file.fileId)
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
      if (onDisk !== undefined) {
        try {
          await source.rename(path, to)
        } catch (err) {
          ctx.report.skipped.push({ path: to, code: codeOf(err) })
          continue
        }
      }
      taken.add(takenKey(to, source.nameRules))
      delete state.files[path]
      state.files[to] = { ...tracked, vaultPath: file.path }
      at = to
      ctx.report.moved++
    }
    if (file.tag !== tracked.tag || onDisk === undefined) await writeFile(ctx, file, at)
  }

  for (const [path, tracked] of Object.entries(state.files)) {
    if (liveIds.has(tracked.fileId) || ctx.handled.has(path)) continue
    // Deleted on another device. The deletion is in the vault, so the copy here may go to the trash.
    const onDisk = ctx.listing.get(path)
    if (onDisk !== undefined && unchanged(onDisk, tracked)) {
      const trashed = await source.trash(path, ctx.now)
      const day = trashed.split('/')[1]
      if (day !== undefined && !state.trashDays.includes(day)) state.trashDays.push(day)
      ctx.report.trashed++
      delete state.files[path]
    }
  }
}

async function writeNew (ctx: ScanContext, file: SyncedVaultFile, rel: string, taken: Set<string>): Promise<void> {
  // Something not yet synced sits at that very path (still being written): leave it for the next scan.
  if (ctx.listing.has(safeDiskPath(rel, ctx.source.nameRules, new Set()))) return
  const path = safeDiskPath(rel, ctx.source.nameRules, taken)
  taken.add(takenKey(path, ctx.source.nameRules))
  if (path !== rel) ctx.report.renamedForDisk.push({ vaultPath: file.path, diskPath: path })
  ctx.state.files[path] = { size: -1, mtime: -1, tag: '', fileId: file.fileId, vaultPath: file.path }
  await writeFile(ctx, file, path)
}

async function writeFile (ctx: ScanContext, file: SyncedVaultFile, path: string): Promise<void> {
  try {
    const written = await ctx.source.write(path, ctx.vault.open(file.fileId), file.mtime)
    ctx.state.files[path] = { size: written.size, mtime: written.mtime, tag: file.tag, fileId: file.fileId, vaultPath: file.path }
    ctx.listing.set(path, written)
    ctx.report.written++
  } catch (err) {
    if (codeOf(err) === 'VAULT_LOCKED') throw err
    // Not on this device yet (no peer online), or the disk refused: the next scan tries again.
    delete ctx.state.files[path]
    ctx.report.skipped.push({ path, code: codeOf(err) })
  }
}
