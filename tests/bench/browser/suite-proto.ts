import { openPackStore } from './bench-stores.ts'
import { verifyReadDecrypted } from './measure-read.ts'
import { clearScratch } from './opfs-scratch.ts'
import { measureOffloadedAdd, measureOffloadedRead, type ContentWorker } from './proto-offload.ts'
import { withStore, type SuiteEnv } from './suite-env.ts'

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * One repetition of the prototypes (`proto.*`), in the same repetition as the
 * headline figures so their ratios to `add.plain` compare moments-apart runs:
 * - `proto.add.encrypt_in_hash_worker`: the hash worker also encrypts (reads the file once, two threads);
 * - `proto.add.encrypt_worker`: the hash worker as today plus a separate cipher worker (three threads);
 * - `proto.read.decrypt_worker`: the node worker reads blocks, a worker decrypts.
 * The first repetition checks the prototype's output is the real format: its
 * file reads back through readDecrypted, and its tag equals the hash worker's.
 */
export async function measurePrototypes (env: SuiteEnv, content: ContentWorker, rep: number, plainMs: number): Promise<void> {
  const { file, ctx, label, rate, settle } = env
  await settle()
  await withStore(await openPackStore('proto-a'), async (store) => {
    const add = await measureOffloadedAdd(file, store, content, env.dedupKey)
    rate(`proto.add.encrypt_in_hash_worker.${label}`, add.ms)
    ctx.sample({ name: 'proto.ratio.encrypt_in_hash_worker_vs_plain', value: plainMs / add.ms, unit: '×' })
    if (rep === 1) {
      await verifyReadDecrypted(store.blockstore, add.cid, add.fileKey, env.inputBlake3)
      if (!sameBytes(add.tag, await env.hashTag(env.dedupKey, file))) throw new Error('prototype dedup tag differs from the hash worker\'s')
      ctx.log('prototype check passed: its file reads back through readDecrypted and its tag is the hash worker\'s')
    }
    if (rep === 1) {
      const check = await measureOffloadedRead(store, add.cid, add.fileKey, content, file.size, true)
      if (check.blake3 !== env.inputBlake3) throw new Error('prototype read gave other bytes than the input')
    }
    await settle()
    rate(`proto.read.decrypt_worker.${label}`, (await measureOffloadedRead(store, add.cid, add.fileKey, content, file.size, false)).ms)
  })
  await clearScratch()

  await settle()
  await withStore(await openPackStore('proto-b'), async (store) => {
    const add = await measureOffloadedAdd(file, store, content, env.dedupKey, env.hashTag)
    rate(`proto.add.encrypt_worker.${label}`, add.ms)
    ctx.sample({ name: 'proto.ratio.encrypt_worker_vs_plain', value: plainMs / add.ms, unit: '×' })
  })
  await clearScratch()
}
