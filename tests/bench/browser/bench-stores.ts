import { MemoryBlockstore } from 'blockstore-core/memory'
import type { Blockstore } from 'interface-blockstore'
import { createOpfsBlockstore } from '../../../sw/storage/opfs-blockstore.ts'
import { freshDirectory } from './opfs-scratch.ts'

/** A blockstore under test, with the two things the timing needs beyond the interface. */
export interface BenchStore {
  blockstore: Blockstore
  /** Makes everything written durable (part of every timed add, like the raw OPFS write's flush). */
  flush: () => Promise<void>
  close: () => Promise<void>
  /** The OPFS directory of a pack store (to reopen it with other options). */
  directory?: FileSystemDirectoryHandle
}

/**
 * Cairn's blockstore as the node worker opens it (sw/storage/opfs-blockstore.ts:
 * the pack-file store on OPFS sync access handles), in a fresh, empty directory.
 */
export async function openPackStore (name: string): Promise<BenchStore> {
  const directory = await freshDirectory(name)
  const store = await createOpfsBlockstore({ directory })
  return {
    directory,
    blockstore: store,
    flush: async () => { await store.flush() },
    close: async () => { await store.stop() }
  }
}

/** An in-memory blockstore: isolates what storage costs (`stage.*.memory` figures). */
export function openMemoryStore (): BenchStore {
  return {
    blockstore: new MemoryBlockstore(),
    flush: async () => {},
    close: async () => {}
  }
}
