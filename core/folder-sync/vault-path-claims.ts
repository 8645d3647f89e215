import type { ScanContext } from './scan-context.ts'

/** Paths of plain ASCII are their own NFC form. */
const NON_ASCII = /[^\u0000-\u007f]/

/** The disk path as the vault spells it (vaultPathOf's NFC), without validating it. */
function spelling (path: string): string {
  return NON_ASCII.test(path) ? path.normalize('NFC') : path
}

/**
 * One disk path per vault path. Names that differ only in Unicode
 * normalisation ("café" typed as NFC and as NFD, side by side on Linux) are
 * one vault path, and an add of the second would replace the first's content
 * in the vault. So one of them holds the path: the one tracked there (whose
 * content the vault shows), else the first listed; the others are left out
 * and reported (FOLDER_NAME_DUPLICATE) until they hold it alone. One that an
 * earlier scan tracked to the same vault file is tracked no longer, so it is
 * backed up then. And a tracked name gone while another spelling of it
 * appeared is the same file saved under the other spelling: its record moves
 * there (a deletion and an add would each change the one vault file).
 * Returns the disk paths left out.
 */
export function claimVaultPaths (ctx: ScanContext): Set<string> {
  const { listing, state } = ctx
  followRespelled(ctx)
  const spellings = new Map<string, string[]>()
  for (const path of listing.keys()) {
    if (!NON_ASCII.test(path)) continue
    const key = path.normalize('NFC')
    const same = spellings.get(key)
    if (same !== undefined) same.push(path)
    // An ASCII name one of these normalises to ("K" for the Kelvin sign) is a spelling too.
    else spellings.set(key, key !== path && listing.has(key) && !NON_ASCII.test(key) ? [key, path] : [path])
  }
  const left = new Set<string>()
  for (const same of spellings.values()) {
    if (same.length < 2) continue
    const holder = holderOf(ctx, same)
    for (const path of same) {
      if (path === holder) continue
      left.add(path)
      ctx.report.skipped.push({ path, code: 'FOLDER_NAME_DUPLICATE' })
      if (state.files[path] !== undefined) {
        delete state.files[path]
        ctx.dirty = true
      }
    }
  }
  return left
}

/** The spelling that keeps the vault path: tracked, and as the vault holds it, when there is such a one. */
function holderOf (ctx: ScanContext, same: string[]): string {
  const tracked = same.filter(p => ctx.state.files[p] !== undefined && ctx.state.files[p].versionId === undefined)
  if (tracked.length < 2) return tracked[0] ?? same[0] ?? ''
  // Both tracked (as an earlier version left them, to one vault file): the one whose content the vault shows.
  const tags = new Map(ctx.vault.list().filter(f => f.versionId === undefined).map(f => [f.fileId, f.tag]))
  return tracked.find(p => tags.get(ctx.state.files[p]?.fileId ?? '') === ctx.state.files[p]?.tag) ?? tracked[0] ?? ''
}

/** Moves the record of a tracked name gone from disk to an untracked spelling of it that is there now. */
function followRespelled (ctx: ScanContext): void {
  const { listing, state } = ctx
  // Nothing new on disk (a rescan that found no change): nothing can be respelled.
  const untracked: string[] = []
  for (const path of listing.keys()) if (state.files[path] === undefined) untracked.push(path)
  if (untracked.length === 0) return
  const gone = new Map<string, string>()
  for (const [path, tracked] of Object.entries(state.files)) {
    if (!listing.has(path) && tracked.versionId === undefined) gone.set(spelling(path), path)
  }
  for (const path of untracked) {
    const key = spelling(path)
    const was = gone.get(key)
    const tracked = was === undefined ? undefined : state.files[was]
    if (was === undefined || tracked === undefined) continue
    state.files[path] = tracked
    delete state.files[was]
    gone.delete(key)
    ctx.dirty = true
  }
}
