import type { IndexLog } from './index-log.ts'

/** Where a named root sits: a live file (absent), one of its earlier versions, or the Trash. */
export type ContentPlace = 'version' | 'trash'

/** A content root the vault keeps, and the file it belongs to. */
export interface NamedContent {
  fileId: string
  /** The file's path (live, or where it was when deleted). */
  path: string
  cid: string
  where?: ContentPlace
}

/**
 * Every content root the vault keeps, with the file it belongs to: live
 * files, their earlier versions, files in the Trash and theirs (the same
 * roots as retainedCids). Damage found in any of them — by Check stored
 * data or the backup peer's Verify — can then be named in words, not as a
 * CID, even when the damaged block belongs only to an earlier version.
 */
export function namedContent (index: Pick<IndexLog, 'listFiles' | 'history'>): NamedContent[] {
  const out: NamedContent[] = []
  for (const file of index.listFiles()) {
    out.push({ fileId: file.fileId, path: file.path, cid: file.entry.cid })
    for (const v of index.history.versions(file.fileId)) out.push({ fileId: file.fileId, path: file.path, cid: v.entry.cid, where: 'version' })
  }
  for (const item of index.history.trash()) {
    out.push({ fileId: item.fileId, path: item.path, cid: item.entry.cid, where: 'trash' })
    // An earlier version of a deleted file is in the Trash with it.
    for (const v of index.history.versions(item.fileId)) out.push({ fileId: item.fileId, path: item.path, cid: v.entry.cid, where: 'trash' })
  }
  return out
}

/** How a named root reads in a list of files (Settings, Backup → Verify). */
export function contentLabel (named: { path: string, where?: ContentPlace }): string {
  if (named.where === 'version') return `${named.path} (an earlier version)`
  if (named.where === 'trash') return `${named.path} (in the Trash)`
  return named.path
}
