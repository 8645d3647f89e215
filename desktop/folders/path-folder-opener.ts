import { stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { InvalidArgumentError } from '../../core/errors.ts'
import type { FolderOpener } from '../../core/folder-sync/folder-sync-service.ts'
import { NodeFolderSource } from './node-folder-source.ts'

/** A folder typed as a path: absolute, or from the home folder with "~/". */
export function resolveFolderPath (path: string): string {
  if (typeof path !== 'string' || path.trim() === '') throw new InvalidArgumentError('Type the path of a folder')
  const trimmed = path.trim()
  if (trimmed === '~' || trimmed.startsWith('~/')) return join(homedir(), trimmed.slice(1))
  if (!isAbsolute(trimmed)) throw new InvalidArgumentError('Type the full path of the folder, starting with / (or ~/)')
  return resolve(trimmed)
}

/** The desktop daemon's way to folders: any folder on disk, by path, through node:fs. */
export const pathFolderOpener: FolderOpener = {
  open: async (location) => {
    if (location.kind !== 'path') return { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' }
    const root = resolveFolderPath(location.path)
    const info = await stat(root).catch(() => undefined)
    if (info === undefined || !info.isDirectory()) return { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' }
    return new NodeFolderSource(root)
  }
}
