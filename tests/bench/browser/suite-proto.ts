import { openMemoryStore, openPackStore } from './bench-stores.ts'
import { verifyReadDecrypted } from './measure-read.ts'
import { clearScratch } from './opfs-scratch.ts'
import { measureChainedAdd, measureOffloadedAdd, measureOffloadedRead, type OffloadedAdd, type ProtoWorkers } from './proto-offload.ts'
import { measureWindowedRead, readDecryptedWindowed } from './proto-windowed-read.ts'
import { blake3Hex } from './measure-read.ts'
import { withStore, type SuiteEnv } from './suite-env.ts'

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** Loads the prototype workers' code and compiles BLAKE3 before any timing, as the app's long-lived workers would have. */
export async function warmPrototypes (env: SuiteEnv, workers: ProtoWorkers): Promise<void> {
  const tiny = new Blob([new Uint8Array(4096)])
  await withStore(openMemoryStore(), async (store) => {
    await measureOffloadedAdd(tiny, store, workers.first, env.dedupKey, { from: 'content' })
    await measureOffloadedAdd(tiny, store, workers.second, env.dedupKey, { from: 'content' })
    await measureChainedAdd(tiny, store, workers.first, workers.second, env.dedupKey)
    await measureChainedAdd(tiny, store, workers.first, workers.second, env.dedupKey, 'sha256-list')
  })
}

/**
 * One repetition of the prototypes (`proto.*`), in the same repetition as the
 * headline figures so their ratios to `add.plain` compare moments-apart runs:
 * - `proto.add.encrypt_in_hash_worker`: the hash worker also encrypts (reads the file once, two threads);
 * - `proto.add.encrypt_worker`: the hash worker as today plus a separate cipher worker (three threads, file read twice);
 * - `proto.add.encrypt_worker_no_tag`: the cipher worker and no dedup tag at all (what the tag costs);
 * - `proto.add.chain`: hash worker reads and tags, hands each piece to a cipher worker, which hands the ciphertext to the node worker (three threads, file read once);
 * - `proto.add.chain_sha256_tag`: the chain with a WebCrypto SHA-256-based tag instead of BLAKE3 (prices a cheaper tag; not the agreed format);
 * - `proto.read.windowed`: readDecrypted reading the file in windows (bounded memory);
 * - `proto.read.decrypt_worker`: the node worker reads blocks (windowed), a worker decrypts.
 * The first repetition checks each prototype's output is the real format: its
 * file reads back through readDecrypted, and its tag equals the hash worker's.
 */
export async function measurePrototypes (env: SuiteEnv, workers: ProtoWorkers, rep: number, plainMs: number): Promise<void> {
  const { file, ctx, label, rate, settle } = env
  const expectedTag = rep === 1 ? await env.hashTag(env.dedupKey, file) : undefined
  const check = async (name: string, blockstore: Parameters<typeof verifyReadDecrypted>[0], add: OffloadedAdd): Promise<void> => {
    if (expectedTag === undefined) return
    await verifyReadDecrypted(blockstore, add.cid, add.fileKey, env.inputBlake3)
    if (add.tag === undefined || !sameBytes(add.tag, expectedTag)) throw new Error(`${name}: dedup tag differs from the hash worker's`)
    ctx.log(`${name}: checked (reads back through readDecrypted, same tag as the hash worker)`)
  }
  const addFigure = (name: string, add: OffloadedAdd): void => {
    rate(`proto.add.${name}.${label}`, add.ms)
    ctx.sample({ name: `proto.ratio.${name}_vs_plain`, value: plainMs / add.ms, unit: '×' })
  }

  await settle()
  await withStore(await openPackStore('proto-a'), async (store) => {
    const add = await measureOffloadedAdd(file, store, workers.first, env.dedupKey, { from: 'content' })
    addFigure('encrypt_in_hash_worker', add)
    await check('encrypt_in_hash_worker', store.blockstore, add)
    if (rep === 1) {
      const read = await measureOffloadedRead(store, add.cid, add.fileKey, workers.first, file.size, true)
      if (read.blake3 !== env.inputBlake3) throw new Error('decrypt_worker: read gave other bytes than the input')
      if (await blake3Hex(readDecryptedWindowed(store.blockstore, add.cid, add.fileKey)) !== env.inputBlake3) throw new Error('windowed: read gave other bytes than the input')
    }
    await settle()
    rate(`proto.read.windowed.${label}`, await measureWindowedRead(store.blockstore, add.cid, add.fileKey, file.size))
    await settle()
    rate(`proto.read.decrypt_worker.${label}`, (await measureOffloadedRead(store, add.cid, add.fileKey, workers.first, file.size, false)).ms)
  })
  await clearScratch()

  await settle()
  await withStore(await openPackStore('proto-b'), async (store) => {
    const add = await measureOffloadedAdd(file, store, workers.first, env.dedupKey, { from: 'hash-worker', hashTag: env.hashTag })
    addFigure('encrypt_worker', add)
    await check('encrypt_worker', store.blockstore, add)
  })
  await clearScratch()

  await settle()
  await withStore(await openPackStore('proto-d'), async (store) => {
    addFigure('encrypt_worker_no_tag', await measureOffloadedAdd(file, store, workers.first, env.dedupKey, { from: 'none' }))
  })
  await clearScratch()

  await settle()
  await withStore(await openPackStore('proto-c'), async (store) => {
    const add = await measureChainedAdd(file, store, workers.first, workers.second, env.dedupKey)
    addFigure('chain', add)
    await check('chain', store.blockstore, add)
  })
  await clearScratch()

  await settle()
  await withStore(await openPackStore('proto-e'), async (store) => {
    addFigure('chain_sha256_tag', await measureChainedAdd(file, store, workers.first, workers.second, env.dedupKey, 'sha256-list'))
  })
  await clearScratch()
}
