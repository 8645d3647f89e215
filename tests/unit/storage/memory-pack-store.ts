import type { Blockstore } from 'interface-blockstore'
import { MemoryPackFiles, type MemoryPackFilesInit } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore, type PackBlockstoreInit } from '../../../core/storage/pack-blockstore.ts'
import { parseFileName } from '../../../core/storage/pack-format.ts'
import { INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import type { BlockstoreFactory } from '../../contract/blockstore-contract.ts'

/** A pack blockstore over memory files, and the files, so tests can inspect or damage them. */
export interface MemoryPackStore {
  store: PackBlockstore
  files: MemoryPackFiles
  init: PackBlockstoreInit
}

/** Opens a started pack blockstore on `files` (fresh ones by default). */
export async function openMemoryPackStore (init: PackBlockstoreInit = {}, files = new MemoryPackFiles()): Promise<MemoryPackStore> {
  const store = new PackBlockstore({ files }, init)
  await store.start()
  return { store, files, init }
}

/** Name of the newest pack or journal file in `files`. */
export async function newestFile (files: MemoryPackFiles, kind: 'pack' | 'jrnl'): Promise<string> {
  const names = (await files.list()).filter((name) => parseFileName(name)?.kind === kind).sort()
  const newest = names[names.length - 1]
  if (newest === undefined) throw new Error(`no ${kind} file`)
  return newest
}

/** The contract factory for the pack blockstore over memory files. */
export function memoryPackStoreFactory (filesInit: MemoryPackFilesInit = {}): BlockstoreFactory {
  const opened = new WeakMap<Blockstore, MemoryPackStore>()
  const lookup = (store: Blockstore): MemoryPackStore => {
    const entry = opened.get(store)
    if (entry === undefined) throw new Error('not a store from this factory')
    return entry
  }
  const reopenOn = async (entry: MemoryPackStore): Promise<Blockstore> => {
    const next = await openMemoryPackStore(entry.init, entry.files)
    opened.set(next.store, next)
    return next.store
  }
  const stopAll = async (entry: MemoryPackStore): Promise<void> => {
    await entry.store.stop()
    const leaked = entry.files.openFiles()
    if (leaked.length > 0) throw new Error(`stop() left files open: ${leaked.join(', ')}`)
  }
  return {
    open: async (options) => {
      const entry = await openMemoryPackStore({ maxPackSize: options?.maxPackSize }, new MemoryPackFiles(filesInit))
      opened.set(entry.store, entry)
      return entry.store
    },
    reopen: async (store) => {
      const entry = lookup(store)
      await stopAll(entry)
      return reopenOn(entry)
    },
    tearTail: async (store, file, bytes) => {
      const entry = lookup(store)
      await stopAll(entry)
      const name = await newestFile(entry.files, file === 'pack' ? 'pack' : 'jrnl')
      entry.files.truncateFile(name, entry.files.bytes(name).length - bytes)
      for (const slot of INDEX_SLOTS) await entry.files.remove(slot)
      return reopenOn(entry)
    },
    dispose: async (store) => { await stopAll(lookup(store)) }
  }
}
