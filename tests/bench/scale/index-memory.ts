import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'

/**
 * Run as its own process with `--expose-gc`: opens the pack store in
 * argv[2] and prints, as one JSON line, how much the heap and the
 * ArrayBuffers grew (after forced collections) and the index arrays' size.
 */
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')
const directory = process.argv[2]
if (directory === undefined) throw new Error('usage: index-memory.ts <blocks dir>')

const files = new FsPackFiles(directory)
const settle = (): number => {
  for (let i = 0; i < 3; i++) gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}
const before = settle()
const store = new PackBlockstore({ files })
await store.start()
const after = settle()
const blocks = store.stats().blocks
console.log(JSON.stringify({ blocks, grownBytes: after - before, indexBytes: store.indexBytes(), savedIndex: store.recovery?.savedIndex ?? false }))
await store.stop()
