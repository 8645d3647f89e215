import { isCairnError } from '../core/errors.ts'
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

/** How long a new leader waits for the previous leader's worker to let go of the pack files. */
const HANDOVER_WAIT_MS = 10_000

/**
 * OPFS sync access handles are exclusive: when the leader tab has just closed,
 * its worker may still hold them for a moment, so retry until they are free.
 */
async function openBlockstoreWhenFree (): Promise<PackBlockstore> {
  const deadline = Date.now() + HANDOVER_WAIT_MS
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await createOpfsBlockstore()
    } catch (err) {
      // Waiting helps a handle still held by the last leader, never a browser that offers no storage.
      if (Date.now() > deadline || isCairnError(err, 'STORAGE_UNAVAILABLE')) throw err
      await new Promise(resolve => setTimeout(resolve, delay))
    }
  }
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
  const blockstore = await openBlockstoreWhenFree()
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
