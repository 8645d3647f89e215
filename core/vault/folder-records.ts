import { InvalidArgumentError, PathExistsError } from '../errors.ts'
import { normalizePath } from '../index/paths.ts'

/**
 * Folders in the vault. The index names files only (DESIGN §4 "Index"); a
 * folder exists while a file lies under it. An empty folder the user made
 * is kept by a folder record: an empty file named FOLDER_RECORD_NAME inside
 * it, of type FOLDER_RECORD_TYPE, sealed in the index like every other entry,
 * so it syncs, moves and goes to the Trash with the folder without a new op
 * kind (devices on an older format read it as an empty file). The vault's
 * file list leaves these records out; `explicitFolders` reads them.
 */
export const FOLDER_RECORD_NAME = '.cairn-folder'

/** The MIME type of a folder (shared-mime-info). */
export const FOLDER_RECORD_TYPE = 'inode/directory'

/** What is needed to tell a folder record from a file. */
export interface PathTyped { path: string, type: string, size: number }

/** True for the record that keeps an empty folder, never for a file the user added. */
export function isFolderRecord (file: PathTyped): boolean {
  return file.type === FOLDER_RECORD_TYPE && file.size === 0 &&
    (file.path === FOLDER_RECORD_NAME || file.path.endsWith(`/${FOLDER_RECORD_NAME}`))
}

/** Where the record of `folder` lives. */
export function folderRecordPath (folder: string): string {
  return `${folder}/${FOLDER_RECORD_NAME}`
}

/** The folders that have a record, sorted. */
export function explicitFolders (files: readonly PathTyped[]): string[] {
  return files.filter(isFolderRecord).map(f => f.path.slice(0, -FOLDER_RECORD_NAME.length - 1)).filter(p => p !== '').sort()
}

/** True when `path` is `folder` itself or lies under it ('' is the whole vault). */
export function isUnder (path: string, folder: string): boolean {
  return folder === '' || path.startsWith(folder + '/')
}

/** A path's last segment. */
export function lastSegment (path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** `name` inside `folder` ('' is the top). */
export function joinPath (folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`
}

/** What to move: files by id, folders by path (with everything under them). */
export interface MoveSources { fileIds: readonly string[], folders: readonly string[] }

/** One file's new place. */
export interface PlannedMove { fileId: string, path: string }

/**
 * Where each file goes when `sources` move into the folder `to` ('' is the
 * top): a file keeps its name, a folder keeps its name and its inside.
 * Throws INVALID_ARGUMENT for a folder moved into itself, PATH_EXISTS when
 * two of them would land on one path. Files already in place are left out.
 */
export function planMove (files: ReadonlyArray<{ fileId: string, path: string }>, sources: MoveSources, to: string): PlannedMove[] {
  const target = to === '' ? '' : normalizePath(to)
  const moves = new Map<string, string>()
  for (const folder of sources.folders) {
    if (folder === '') throw new InvalidArgumentError('the top folder cannot be moved')
    if (target === folder || isUnder(target, folder)) throw new InvalidArgumentError('a folder cannot be moved into itself')
    const into = joinPath(target, lastSegment(folder))
    for (const f of files) if (isUnder(f.path, folder)) moves.set(f.fileId, into + f.path.slice(folder.length))
  }
  const wanted = new Set(sources.fileIds)
  for (const f of files) if (wanted.has(f.fileId) && !moves.has(f.fileId)) moves.set(f.fileId, joinPath(target, lastSegment(f.path)))
  return checked(files, moves)
}

/** Where each file under `from` goes when the folder is renamed (or moved) to `to`. */
export function planRename (files: ReadonlyArray<{ fileId: string, path: string }>, from: string, to: string): PlannedMove[] {
  const target = normalizePath(to)
  if (from === '') throw new InvalidArgumentError('the top folder cannot be renamed')
  if (isUnder(target, from)) throw new InvalidArgumentError('a folder cannot be moved into itself')
  const moves = new Map<string, string>()
  for (const f of files) if (isUnder(f.path, from)) moves.set(f.fileId, target + f.path.slice(from.length))
  return checked(files, moves)
}

function checked (files: ReadonlyArray<{ fileId: string, path: string }>, moves: Map<string, string>): PlannedMove[] {
  const seen = new Set<string>()
  const done = new Set<string>()
  const out: PlannedMove[] = []
  for (const f of files) {
    const path = moves.get(f.fileId)
    // A concurrent edit shown beside its file shares its id: the file moves once.
    if (path === undefined || done.has(f.fileId)) continue
    done.add(f.fileId)
    if (seen.has(path)) throw new PathExistsError('two of the moved files would have the same name')
    seen.add(path)
    if (path !== f.path) out.push({ fileId: f.fileId, path })
  }
  return out
}
