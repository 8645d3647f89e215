import { createWorkerTagHasher } from '../../../sw/workers/worker-tag-hasher.ts'
import { mbPerSecond, type BenchContext } from './bench-context.ts'
import { openMemoryStore, openPackStore, type BenchStore } from './bench-stores.ts'
import { measureEncryptedAdd, measurePlainAdd, measureStoreEncrypted } from './measure-add.ts'
import { measureOpfsWrite, measureOpfsWriteFromMemory } from './measure-opfs.ts'
import { blake3Hex, measureCat, measureReadDecrypted, verifyReadDecrypted } from './measure-read.ts'
import {
  measureBlockstorePut, measureDecrypt, measureEncrypt, measureFileRead, measureUnixfsAddCiphertext, prepareStageInputs
} from './measure-stages.ts'
import { measureAesGcm, measureBlake3, measureSha256 } from './measure-primitives.ts'
import { clearScratch } from './opfs-scratch.ts'
import type { BenchOptions } from './protocol.ts'

async function withStore<T> (store: BenchStore, use: (store: BenchStore) => Promise<T>): Promise<T> {
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

/**
 * The whole benchmark on one file. Each repetition measures the raw OPFS
 * write, the plain add and the encrypted add (then reads it back) in turn, so
 * the ratios compare figures taken moments apart; OPFS is emptied before each
 * measurement and garbage collected (over CDP) so none inherits another's debris.
 */
export async function runSuite (file: File, options: BenchOptions, ctx: BenchContext): Promise<void> {
  const size = file.size
  const label = `${options.sizeMiB}MiB`
  const rate = (name: string, ms: number): void => { ctx.sample({ name, value: mbPerSecond(size, ms), unit: 'MB/s' }) }
  const settle = async (): Promise<void> => { await ctx.host({ op: 'gc', label: '' }) }

  // The app keeps one hash worker for the session; start it (and compile
  // BLAKE3) before timing, as a previous add would have.
  const hashTag = createWorkerTagHasher()
  const dedupKey = globalThis.crypto.getRandomValues(new Uint8Array(32))
  await hashTag(dedupKey, new Blob([new Uint8Array(4096)]))
  ctx.log('hashing the input for the read-back check')
  const inputBlake3 = await blake3Hex(file.stream())
  await clearScratch()
  await ctx.host({ op: 'heap', label: 'heap.before.MiB' })
  // How busy other programs kept the machine meanwhile: the figures mean little when they did.
  await ctx.host({ op: 'load-start', label: 'machine.other_load.cores' })

  for (let rep = 1; rep <= options.reps; rep++) {
    ctx.log(`repetition ${rep}/${options.reps}`)
    await settle()
    const opfsMs = await measureOpfsWrite(file)
    rate(`opfs.write.${label}`, opfsMs)

    await settle()
    const plainMs = await withStore(await openPackStore('plain'), async (store) => await measurePlainAdd(file, store))
    rate(`add.plain.${label}`, plainMs)

    await settle()
    await withStore(await openPackStore('encrypted'), async (store) => {
      const add = await measureEncryptedAdd(file, store, hashTag, dedupKey)
      rate(`add.encrypted.${label}`, add.ms)
      ctx.sample({ name: `ratio.encrypted_vs_plain`, value: plainMs / add.ms, unit: '×' })
      ctx.sample({ name: `ratio.encrypted_vs_opfs`, value: opfsMs / add.ms, unit: '×' })
      // When each half of the encrypted add finished: which one it waited for.
      ctx.sample({ name: `stage.add.encrypted.tag_done.${label}`, value: add.tagMs, unit: 'ms' })
      ctx.sample({ name: `stage.add.encrypted.store_done.${label}`, value: add.storeMs, unit: 'ms' })

      await settle()
      rate(`read.decrypted.${label}`, await measureReadDecrypted(store.blockstore, add.cid, add.fileKey, size))
      if (rep === 1) {
        await verifyReadDecrypted(store.blockstore, add.cid, add.fileKey, inputBlake3)
        ctx.log('read-back check passed: decrypted output has the input\'s BLAKE3')
      }
      if (options.stages) {
        await settle()
        const cat = await measureCat(store.blockstore, add.cid)
        ctx.sample({ name: `stage.cat.encrypted.pack.${label}`, value: mbPerSecond(cat.bytes, cat.ms), unit: 'MB/s' })
      }
    })
    await clearScratch()
  }
  await ctx.host({ op: 'load-stop', label: 'machine.other_load.cores' })
  await ctx.host({ op: 'heap', label: 'heap.after.MiB' })

  // Extra untimed runs under observation: peak memory (sampled over CDP) and
  // CPU time per thread (from /proc), kept apart so neither disturbs the figures above.
  ctx.log('profiling runs (untimed)')
  await withStore(await openPackStore('encrypted'), async (store) => {
    await settle()
    await ctx.host({ op: 'peak-start', label: `heap.peak.add.encrypted.${label}.MiB` })
    await ctx.host({ op: 'cpu-start', label: 'add.encrypted' })
    const add = await measureEncryptedAdd(file, store, hashTag, dedupKey)
    await ctx.host({ op: 'cpu-stop', label: 'add.encrypted' })
    await ctx.host({ op: 'peak-stop', label: `heap.peak.add.encrypted.${label}.MiB` })
    await settle()
    await ctx.host({ op: 'cpu-start', label: 'read.decrypted' })
    await measureReadDecrypted(store.blockstore, add.cid, add.fileKey, size)
    await ctx.host({ op: 'cpu-stop', label: 'read.decrypted' })
  })
  await withStore(await openPackStore('plain'), async (store) => {
    await settle()
    await ctx.host({ op: 'cpu-start', label: 'add.plain' })
    await measurePlainAdd(file, store)
    await ctx.host({ op: 'cpu-stop', label: 'add.plain' })
  })
  if (options.stages) {
    // And where the bench worker's own thread spends its time (V8's sampling profiler).
    await withStore(await openPackStore('encrypted'), async (store) => {
      await settle()
      await ctx.host({ op: 'profile-start', label: 'add.encrypted' })
      const add = await measureEncryptedAdd(file, store, hashTag, dedupKey)
      await ctx.host({ op: 'profile-stop', label: 'add.encrypted' })
      await settle()
      await ctx.host({ op: 'profile-start', label: 'read.decrypted' })
      await measureReadDecrypted(store.blockstore, add.cid, add.fileKey, size)
      await ctx.host({ op: 'profile-stop', label: 'read.decrypted' })
    })
    await withStore(await openPackStore('plain'), async (store) => {
      await settle()
      await ctx.host({ op: 'profile-start', label: 'add.plain' })
      await measurePlainAdd(file, store)
      await ctx.host({ op: 'profile-stop', label: 'add.plain' })
    })
  }
  await clearScratch()

  if (options.stages) await runStages(file, options, ctx, hashTag, dedupKey)
  await clearScratch()
}

async function runStages (
  file: File, options: BenchOptions, ctx: BenchContext,
  hashTag: ReturnType<typeof createWorkerTagHasher>, dedupKey: Uint8Array
): Promise<void> {
  const size = file.size
  const label = `${options.sizeMiB}MiB`
  const rate = (name: string, ms: number): void => { ctx.sample({ name: `stage.${name}.${label}`, value: mbPerSecond(size, ms), unit: 'MB/s' }) }
  const settle = async (): Promise<void> => { await ctx.host({ op: 'gc', label: '' }) }
  ctx.log('preparing stage inputs')
  const inputs = await prepareStageInputs(file)
  for (let rep = 1; rep <= options.reps; rep++) {
    ctx.log(`stages, repetition ${rep}/${options.reps}`)
    await settle()
    rate('read.file_stream', await measureFileRead(file))
    await settle()
    const tagStart = performance.now()
    await hashTag(dedupKey, file)
    rate('hash.tag_worker', performance.now() - tagStart)
    await settle()
    rate('encrypt.file_stream', await measureEncrypt(file))
    await settle()
    rate('decrypt.memory', await measureDecrypt(inputs))
    await settle()
    rate('unixfs.add_ciphertext.memory', await withStore(openMemoryStore(), async (s) => await measureUnixfsAddCiphertext(inputs, s)))
    await settle()
    rate('add.plain.memory', await withStore(openMemoryStore(), async (s) => await measurePlainAdd(file, s)))
    await settle()
    rate('add.encrypted_nohash.memory', await withStore(openMemoryStore(), async (s) => await measureStoreEncrypted(file, s)))
    await settle()
    rate('add.encrypted_nohash.pack', await withStore(await openPackStore('stage'), async (s) => await measureStoreEncrypted(file, s)))
    await settle()
    rate('blockstore.put.pack', await withStore(await openPackStore('stage'), async (s) => await measureBlockstorePut(inputs, s)))
    await settle()
    rate('opfs.write.memory', await measureOpfsWriteFromMemory(inputs.bytes))
    await clearScratch()
    await settle()
    const aes = await measureAesGcm(inputs.bytes, 1)
    rate('prim.aes_gcm', aes.ms)
    ctx.sample({ name: 'stage.prim.aes_gcm.in_call_share', value: aes.inCallMs / aes.ms, unit: '×' })
    await settle()
    const aes4 = await measureAesGcm(inputs.bytes, 4)
    rate('prim.aes_gcm_4_in_flight', aes4.ms)
    await settle()
    const sha = await measureSha256(inputs.bytes)
    rate('prim.sha256', sha.ms)
    ctx.sample({ name: 'stage.prim.sha256.in_call_share', value: sha.inCallMs / sha.ms, unit: '×' })
    await settle()
    rate('prim.blake3', await measureBlake3(inputs.bytes))
  }
}
