import type { FileInfo } from '../../core/rpc/api.ts'

export type SortKey = 'name' | 'size' | 'mtime' | 'type'
export type SortDirection = 'asc' | 'desc'

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

const COMPARE: Record<SortKey, (a: FileInfo, b: FileInfo) => number> = {
  name: (a, b) => collator.compare(a.path, b.path),
  size: (a, b) => a.size - b.size,
  mtime: (a, b) => a.mtime - b.mtime,
  type: (a, b) => collator.compare(a.type, b.type)
}

/**
 * The files whose path contains `filter` (ignoring case), sorted by `key`;
 * ties fall back to the path so the order is stable and predictable.
 */
export function sortAndFilter (files: readonly FileInfo[], key: SortKey, direction: SortDirection, filter: string): FileInfo[] {
  const needle = filter.trim().toLocaleLowerCase()
  const kept = needle === '' ? [...files] : files.filter(f => f.path.toLocaleLowerCase().includes(needle))
  const sign = direction === 'asc' ? 1 : -1
  return kept.sort((a, b) => (COMPARE[key](a, b) || COMPARE.name(a, b) || a.fileId.localeCompare(b.fileId)) * sign)
}
