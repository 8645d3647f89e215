import { PackBlockstore, type PackBlockstoreInit } from '../../core/storage/pack-blockstore.ts'
import { FsPackFiles } from './fs-pack-files.ts'

/**
 * The Node node's blockstore: a started {@link PackBlockstore} on pack files in
 * `directory` (created when missing), the same on-disk format as the
 * browser's OPFS store. Helia does not start or stop a blockstore it is
 * given, so the caller owns its life cycle: `stop()` it to flush and close
 * the files. One process per directory (nothing here locks it against a
 * second one).
 */
export async function createFsBlockstore (directory: string, init: PackBlockstoreInit = {}): Promise<PackBlockstore> {
  const store = new PackBlockstore({ files: new FsPackFiles(directory) }, init)
  await store.start()
  return store
}
