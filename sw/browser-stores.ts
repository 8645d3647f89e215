import { createOpfsBlockstore } from './storage/opfs-blockstore.ts'
import { IdbDatastore } from './storage/idb-datastore.ts'
import type { PackBlockstore } from '../core/storage/pack-blockstore.ts'

export interface BrowserStores {
  blockstore: PackBlockstore
  datastore: IdbDatastore
  /** Bytes of live blocks (what Cairn stores for the user). */
  storedBytes: () => number
  stop: () => Promise<void>
}

/**
 * The browser's stores (DESIGN §2): blocks in OPFS pack files through sync
 * access handles, small records in IndexedDB. Must run in the node worker,
 * the only context allowed to hold the pack files' sync handles.
 */
export async function openBrowserStores (): Promise<BrowserStores> {
  // 'strict' durability: the wrapped vault key and index heads must never be lost.
  const datastore = new IdbDatastore({ name: 'cairn-datastore', durability: 'strict' })
  await datastore.start()
  const blockstore = await createOpfsBlockstore()
  return {
    blockstore,
    datastore,
    storedBytes: () => blockstore.stats().bytes,
    stop: async () => {
      await blockstore.stop()
      await datastore.stop()
    }
  }
}
