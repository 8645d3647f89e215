import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import type { PackFiles } from '../../../core/storage/pack-files.ts'
import { INDEX_SLOTS } from '../../../core/storage/pack-index-file.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'

/**
 * Run as its own process with `--expose-gc`: opens the pack store in
 * argv[2] and prints, as one JSON line, how much the heap and the
 * ArrayBuffers grew (after forced collections), the index arrays' size and
 * how long opening took. With argv[3] = `rebuild`, the saved index is
 * hidden (and not rewritten), so the open replays every journal record.
 */
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')
const directory = process.argv[2]
if (directory === undefined) throw new Error('usage: index-memory.ts <blocks dir> [rebuild]')
const rebuild = process.argv[3] === 'rebuild'

const fsFiles = new FsPackFiles(directory)
const isIndex = (name: string): boolean => (INDEX_SLOTS as readonly string[]).includes(name)
const files: PackFiles = rebuild
  ? {
      list: async () => (await fsFiles.list()).filter((name) => !isIndex(name)),
      open: async (name) => { if (isIndex(name)) throw new Error('the bench keeps the cached index'); return await fsFiles.open(name) },
      remove: async (name) => { await fsFiles.remove(name) }
    }
  : fsFiles
const settle = (): number => {
  for (let i = 0; i < 3; i++) gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}
const before = settle()
const store = new PackBlockstore({ files })
const start = performance.now()
await store.start()
const openSeconds = (performance.now() - start) / 1000
const after = settle()
const blocks = store.stats().blocks
console.log(JSON.stringify({ blocks, grownBytes: after - before, indexBytes: store.indexBytes(), savedIndex: store.recovery?.savedIndex ?? false, openSeconds }))
await store.stop()
