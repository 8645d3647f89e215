import { MemoryBlockstore } from 'blockstore-core/memory'
import type { Blockstore } from 'interface-blockstore'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { freshDirectory } from './opfs-scratch.ts'
import { opfsPackFiles } from './opfs-pack-files.ts'

/** A blockstore under test, with the two things the timing needs beyond the interface. */
export interface BenchStore {
  blockstore: Blockstore
  /** Makes everything written durable (part of every timed add, like the raw OPFS write's flush). */
  flush: () => Promise<void>
  close: () => Promise<void>
}

/** Cairn's pack-file blockstore on OPFS sync access handles, in a fresh, empty directory. */
export async function openPackStore (name: string): Promise<BenchStore> {
  const dir = await freshDirectory(name)
  const store = new PackBlockstore({ files: opfsPackFiles(dir) })
  await store.start()
  return {
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
