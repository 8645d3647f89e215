import type { FileInfo } from '../../core/rpc/api.ts'
import type { BrowseRow } from './browse-rows.ts'

/** What the bulk bar's Share sends: the files, the folder their paths are relative to, the link's name. */
export interface BulkShareSelection {
  fileIds: string[]
  base: string
  name: string
}

/**
 * The selected rows as one folder-style share: each file, and every file
 * under each selected folder, once. Paths stay relative to the folder shown
 * (search results span folders: relative to the top). Named after that
 * folder, or "3 files" at the top. Undefined when nothing holds a file.
 */
export function bulkShareSelection (rows: readonly BrowseRow[], files: readonly FileInfo[], folder: string, searching: boolean): BulkShareSelection | undefined {
  const ids = new Set<string>()
  for (const row of rows) {
    if (row.kind === 'file') ids.add(row.file.fileId)
    else for (const f of files) if (f.path.startsWith(row.path + '/')) ids.add(f.fileId)
  }
  if (ids.size === 0) return undefined
  const base = searching ? '' : folder
  const name = base === '' ? (ids.size === 1 ? '1 file' : `${ids.size} files`) : base.slice(base.lastIndexOf('/') + 1)
  return { fileIds: [...ids], base, name }
}
