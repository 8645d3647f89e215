import { StorageUnavailableError } from '../../core/errors.ts'
import { PackBlockstore, type PackBlockstoreInit } from '../../core/storage/pack-blockstore.ts'
import { OpfsPackFiles } from './opfs-pack-files.ts'

/** Where the node's blocks live in OPFS unless told otherwise. */
export const DEFAULT_BLOCKS_PATH = ['cairn', 'blocks'] as const

/** Options for {@link createOpfsBlockstore}. */
export interface OpfsBlockstoreInit extends PackBlockstoreInit {
  /** The directory holding the pack files. Default: `cairn/blocks` under the OPFS root. */
  directory?: FileSystemDirectoryHandle
}

/**
 * Opens (creating as needed) the directory at `path` under the OPFS root.
 * Throws STORAGE_UNAVAILABLE where the browser offers no OPFS to this site:
 * Firefox's private windows refuse it with a SecurityError.
 */
export async function opfsDirectory (path: readonly string[]): Promise<FileSystemDirectoryHandle> {
  if (typeof navigator.storage?.getDirectory !== 'function') throw new StorageUnavailableError('this browser offers no private file system (OPFS)')
  let directory: FileSystemDirectoryHandle
  try {
    directory = await navigator.storage.getDirectory()
  } catch (err) {
    if (err instanceof DOMException && err.name === 'SecurityError') throw new StorageUnavailableError(`the browser refuses this site a private file system: ${err.message}`, { cause: err })
    throw err
  }
  for (const name of path) directory = await directory.getDirectoryHandle(name, { create: true })
  return directory
}

/**
 * The browser node's blockstore: a started {@link PackBlockstore} on OPFS sync
 * access handles. Call it from a dedicated worker (the only context with
 * sync access handles); `stop()` it to release the file locks. Helia does not
 * start or stop a blockstore it is given, so the caller owns its life cycle.
 */
export async function createOpfsBlockstore (init: OpfsBlockstoreInit = {}): Promise<PackBlockstore> {
  const directory = init.directory ?? await opfsDirectory(DEFAULT_BLOCKS_PATH)
  const store = new PackBlockstore({ files: new OpfsPackFiles(directory) }, init)
  await store.start()
  return store
}
