import { realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { CairnError, InvalidArgumentError } from '../../core/errors.ts'
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

export interface PathFolderOpenerInit {
  /**
   * The daemon's own data folder (its datastore, pack files, launch pages,
   * the window's browser profile): never synced, never restored into, and
   * left out of a synced folder that holds it (backing up ~ would otherwise
   * feed the vault its own stores, which change on every upload: the folder
   * would never settle).
   */
  dataDir: string
}

/** `path` with every link resolved; as given (made absolute) while it does not exist yet. */
async function realOrResolved (path: string): Promise<string> {
  return await realpath(path).catch(() => resolve(path))
}

/** The desktop daemon's way to folders: any folder on disk but its own data folder, by path, through node:fs. */
export function createPathFolderOpener (init: PathFolderOpenerInit): FolderOpener {
  return {
    open: async (location) => {
      if (location.kind !== 'path') return { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' }
      const root = resolveFolderPath(location.path)
      const info = await stat(root).catch(() => undefined)
      if (info === undefined || !info.isDirectory()) return { state: 'unavailable', error: 'SYNC_FOLDER_UNAVAILABLE' }
      // Compared as real paths: either may be reached through a link (~ on another disk, a data folder moved and linked back).
      const [realRoot, dataDir] = await Promise.all([realpath(root), realOrResolved(init.dataDir)])
      const inside = relative(dataDir, realRoot)
      if (inside === '' || (!isAbsolute(inside) && inside !== '..' && !inside.startsWith(`..${sep}`))) {
        throw new CairnError('FOLDER_PATH_UNSAFE', 'That folder is Cairn\'s own data folder, or inside it: it cannot be synced or restored into')
      }
      const own = relative(realRoot, dataDir)
      const holdsData = !isAbsolute(own) && own !== '..' && !own.startsWith(`..${sep}`)
      return new NodeFolderSource(root, holdsData ? { ownData: own.split(sep).join('/') } : {})
    }
  }
}
