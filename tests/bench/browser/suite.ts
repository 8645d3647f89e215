import { createOpfsBlockstore } from '../../../sw/storage/opfs-blockstore.ts'
import { createWorkerTagHasher } from '../../../sw/workers/worker-tag-hasher.ts'
import { mbPerSecond, type BenchContext } from './bench-context.ts'
import { openPackStore } from './bench-stores.ts'
import { measureEncryptedAdd, measureEncryptedAddV1, measurePlainAdd } from './measure-add.ts'
import { withSealPool } from '../../../sw/workers/worker-seal-pool.ts'
import { warmSealer } from './warm-sealer.ts'
import { measureOpfsWrite } from './measure-opfs.ts'
import { blake3Hex, measureCat, measureReadDecrypted, vaultReadView, verifyReadDecrypted } from './measure-read.ts'
import { clearScratch } from './opfs-scratch.ts'
import { startProtoWorkers } from './proto-offload.ts'
import type { BenchOptions } from './protocol.ts'
import { createSuiteEnv, withStore, type SuiteEnv } from './suite-env.ts'
import { runProfiles } from './suite-profile.ts'
import { measurePrototypes, warmPrototypes } from './suite-proto.ts'
import { runStages } from './suite-stages.ts'

/**
 * The whole benchmark on one file. Each repetition measures the raw OPFS
 * write, the plain add and the encrypted add (then reads it back) in turn, so
 * the ratios compare figures taken moments apart; OPFS is emptied before each
 * measurement and garbage collected (over CDP) so none inherits another's debris.
 */
export async function runSuite (file: File, options: BenchOptions, ctx: BenchContext): Promise<void> {
  // The app keeps one hash worker for the session; start it (and compile
  // BLAKE3) before timing, as a previous add would have.
  const hashTag = withSealPool(createWorkerTagHasher())
  const dedupKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  await hashTag(dedupKey, new Blob([new Uint8Array(4096)]))
  // The seal workers too (started on a session's first add or read).
  await warmSealer(hashTag.sealer)
  ctx.log('hashing the input for the read-back checks')
  const env = createSuiteEnv(file, options, ctx, hashTag, hashTag.sealer, dedupKey, await blake3Hex(file.stream()))
  const protos = options.stages ? startProtoWorkers() : undefined
  try {
    if (protos !== undefined) await warmPrototypes(env, protos)
    await clearScratch()
    await ctx.host({ op: 'heap', label: 'heap.before.MiB' })
    // How busy other programs kept the machine meanwhile: the figures mean little when they did.
    await ctx.host({ op: 'load-start', label: 'machine.other_load.cores' })
    for (let rep = 1; rep <= options.reps; rep++) {
      ctx.log(`repetition ${rep}/${options.reps}`)
      const { plainMs } = await measureHeadlines(env, rep)
      if (protos !== undefined) await measurePrototypes(env, protos, rep, plainMs)
    }
    await ctx.host({ op: 'load-stop', label: 'machine.other_load.cores' })
    await ctx.host({ op: 'heap', label: 'heap.after.MiB' })
    await runProfiles(env, protos)
    if (options.stages) await runStages(env)
  } finally {
    protos?.first.terminate()
    protos?.second.terminate()
    await clearScratch()
  }
}

/** One repetition of the figures the brief names: raw OPFS, plain add, encrypted add and read. */
async function measureHeadlines (env: SuiteEnv, rep: number): Promise<{ plainMs: number }> {
  const { file, ctx, label, rate, settle } = env
  await settle()
  const { ms: opfsMs, flushMs } = await measureOpfsWrite(file)
  rate(`opfs.write.${label}`, opfsMs)
  ctx.sample({ name: `stage.opfs.write.flush.${label}`, value: flushMs, unit: 'ms' })
  await clearScratch()

  await settle()
  const plainMs = await withStore(await openPackStore('plain'), async (store) => await measurePlainAdd(file, store))
  rate(`add.plain.${label}`, plainMs)

  await settle()
  await withStore(await openPackStore('encrypted'), async (store) => {
    const add = await measureEncryptedAdd(file, store, env.sealer, env.dedupKey)
    rate(`add.encrypted.${label}`, add.ms)
    ctx.sample({ name: 'ratio.encrypted_vs_plain', value: plainMs / add.ms, unit: '×' })
    ctx.sample({ name: 'ratio.encrypted_vs_opfs', value: opfsMs / add.ms, unit: '×' })
    // When each half of the encrypted add finished: which one it waited for.
    ctx.sample({ name: `stage.add.encrypted.tag_done.${label}`, value: add.tagMs, unit: 'ms' })
    ctx.sample({ name: `stage.add.encrypted.store_done.${label}`, value: add.storeMs, unit: 'ms' })

    // The read as the vault reads (raw leaves not hashed: the decryptor authenticates them).
    await settle()
    const readMs = await measureReadDecrypted(vaultReadView(store.blockstore), add.cid, add.fileKey, file.size, env.sealer)
    rate(`read.decrypted.${label}`, readMs)
    // The same read with every leaf hashed on read (the store's default; the headline until issue 12's second round), moments later.
    await settle()
    const checkedMs = await measureReadDecrypted(store.blockstore, add.cid, add.fileKey, file.size, env.sealer)
    rate(`stage.read.decrypted.checked.${label}`, checkedMs)
    ctx.sample({ name: 'stage.ratio.read_checked_vs_vault', value: readMs / checkedMs, unit: '×' })
    // The vault's read decrypting on the worker's own thread (as before the seal workers read too), moments later.
    await settle()
    rate(`stage.read.decrypted.in_thread.${label}`, await measureReadDecrypted(vaultReadView(store.blockstore), add.cid, add.fileKey, file.size))
    if (rep === 1) {
      await verifyReadDecrypted(vaultReadView(store.blockstore), add.cid, add.fileKey, env.inputBlake3, env.sealer)
      ctx.log('read-back check passed: decrypted output has the input\'s BLAKE3')
    }
    if (env.options.stages) {
      await settle()
      const cat = await measureCat(store.blockstore, add.cid)
      ctx.sample({ name: `stage.cat.encrypted.pack.${label}`, value: mbPerSecond(cat.bytes, cat.ms), unit: 'MB/s' })
    }
    // What re-hashing every block on read (BLOCK_DAMAGED detection) costs: the same read without it,
    // which is how a download reads (the vault skips the hash of ciphertext leaves: the decryptor
    // authenticates them, and a failure re-reads the file with hashes checked).
    if (store.directory !== undefined) {
      await store.close()
      const unchecked = await createOpfsBlockstore({ directory: store.directory, verifyReads: false })
      try {
        await settle()
        const uncheckedMs = await measureReadDecrypted(unchecked, add.cid, add.fileKey, file.size, env.sealer)
        rate(`read.decrypted.unchecked.${label}`, uncheckedMs)
        ctx.sample({ name: 'ratio.read_checked_vs_unchecked', value: uncheckedMs / checkedMs, unit: '×' })
        ctx.sample({ name: 'stage.ratio.read_vault_vs_unchecked', value: uncheckedMs / readMs, unit: '×' })
      } finally {
        await unchecked.stop()
      }
    }
  })
  await clearScratch()

  // The same add reading the stream's own pieces (joined and copied, as before), moments later.
  await settle()
  await withStore(await openPackStore('encrypted-pieces'), async (store) => {
    const streamed = await measureEncryptedAdd(file, store, env.sealer, env.dedupKey, 'pieces')
    rate(`stage.add.encrypted.from_pieces.${label}`, streamed.ms)
    ctx.sample({ name: 'stage.ratio.encrypted_from_pieces_vs_plain', value: plainMs / streamed.ms, unit: '×' })
  })
  await clearScratch()

  // The add as it was (version-1 tag in the hash worker, cipher on this thread), moments later.
  await settle()
  await withStore(await openPackStore('encrypted-v1'), async (store) => {
    const old = await measureEncryptedAddV1(file, store, env.hashTag, env.dedupKey)
    rate(`stage.add.encrypted.v1_path.${label}`, old.ms)
    ctx.sample({ name: 'stage.ratio.encrypted_v1_path_vs_plain', value: plainMs / old.ms, unit: '×' })
  })
  await clearScratch()
  return { plainMs }
}
