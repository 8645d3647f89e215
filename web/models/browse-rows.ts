import type { FileInfo } from '../../core/rpc/api.ts'
import { rowKey } from './conflict-model.ts'
import { fileKind } from './file-kind.ts'
import type { SortDirection, SortKey } from './file-sort.ts'
import { childFolders, nameOf, parentOf } from './folder-tree.ts'

/** A row of the file browser: a folder (walk in) or a file. */
export type BrowseRow =
  | { kind: 'folder', key: string, path: string, name: string, size: number, mtime: number, count: number }
  | { kind: 'file', key: string, path: string, name: string, file: FileInfo }

/** The key of a folder's row (files use conflict-model's rowKey: ids, never paths). */
export function folderKey (path: string): string {
  return `folder:${path}`
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** What a row sorts by for each column; folders have no type but "Folder". */
function sortValue (row: BrowseRow, key: SortKey): number | string {
  if (key === 'name') return row.name
  if (key === 'size') return row.kind === 'folder' ? row.size : row.file.size
  if (key === 'mtime') return row.kind === 'folder' ? row.mtime : row.file.mtime
  return row.kind === 'folder' ? 'Folder' : fileKind(row.name, row.file.type)
}

/** Folders first, then by the column; ties by name, then path, so the order is stable. */
export function sortRows (rows: BrowseRow[], key: SortKey, direction: SortDirection): BrowseRow[] {
  const sign = direction === 'asc' ? 1 : -1
  return rows.sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1
    const x = sortValue(a, key)
    const y = sortValue(b, key)
    const by = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
    return (by || collator.compare(a.name, b.name) || collator.compare(a.path, b.path) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) * sign
  })
}

/**
 * The rows of `folder`: its subfolders (with the size, newest date and count
 * of the files under each) then its files. One pass over the files.
 */
export function folderRows (files: readonly FileInfo[], folders: readonly string[], folder: string): BrowseRow[] {
  const subs = new Map<string, Extract<BrowseRow, { kind: 'folder' }>>()
  for (const path of childFolders(folders, folder)) subs.set(path, { kind: 'folder', key: folderKey(path), path, name: nameOf(path), size: 0, mtime: 0, count: 0 })
  const rows: BrowseRow[] = []
  const prefix = folder === '' ? '' : folder + '/'
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue
    const rest = file.path.slice(prefix.length)
    const slash = rest.indexOf('/')
    if (slash < 0) { rows.push({ kind: 'file', key: rowKey(file), path: file.path, name: rest, file }); continue }
    const sub = subs.get(prefix + rest.slice(0, slash))
    if (sub === undefined) continue
    sub.size += file.size
    sub.mtime = Math.max(sub.mtime, file.mtime)
    sub.count++
  }
  return [...subs.values(), ...rows]
}

/** Search by name across all folders: the folders and files whose own name holds `needle` (any case). */
export function searchRows (files: readonly FileInfo[], folders: readonly string[], needle: string): BrowseRow[] {
  const n = needle.trim().toLocaleLowerCase()
  if (n === '') return []
  const rows: BrowseRow[] = []
  for (const path of folders) {
    if (nameOf(path).toLocaleLowerCase().includes(n)) rows.push({ kind: 'folder', key: folderKey(path), path, name: nameOf(path), size: 0, mtime: 0, count: 0 })
  }
  for (const file of files) {
    const name = nameOf(file.path)
    if (name.toLocaleLowerCase().includes(n)) rows.push({ kind: 'file', key: rowKey(file), path: file.path, name, file })
  }
  return rows
}

/** The folder a row is in ('' for the top): search results show it. */
export function rowFolder (row: BrowseRow): string {
  return parentOf(row.path)
}
