import { openMemoryStore, openPackStore } from './bench-stores.ts'
import { measurePlainAdd, measureStoreEncrypted } from './measure-add.ts'
import { measureOpfsWriteFromMemory } from './measure-opfs.ts'
import { measureAesGcm, measureBlake3, measureSha256 } from './measure-primitives.ts'
import {
  measureBlockstorePut, measureDecrypt, measureEncrypt, measureFileRead, measureUnixfsAddCiphertext, prepareStageInputs
} from './measure-stages.ts'
import { clearScratch } from './opfs-scratch.ts'
import { withStore, type SuiteEnv } from './suite-env.ts'

/** The pipeline's stages one at a time (`stage.*`), each a median of the repetitions. */
export async function runStages (env: SuiteEnv): Promise<void> {
  const { file, options, ctx, settle } = env
  const rate = (name: string, ms: number): void => { env.rate(`stage.${name}.${env.label}`, ms) }
  ctx.log('preparing stage inputs')
  const inputs = await prepareStageInputs(file)
  for (let rep = 1; rep <= options.reps; rep++) {
    ctx.log(`stages, repetition ${rep}/${options.reps}`)
    await settle()
    rate('read.file_stream', await measureFileRead(file))
    await settle()
    const tagStart = performance.now()
    await env.hashTag(env.dedupKey, file)
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
    await clearScratch()
    await settle()
    rate('blockstore.put.pack', await withStore(await openPackStore('stage'), async (s) => await measureBlockstorePut(inputs, s)))
    await clearScratch()
    await settle()
    rate('opfs.write.memory', await measureOpfsWriteFromMemory(inputs.bytes))
    await clearScratch()
    await settle()
    const aes = await measureAesGcm(inputs.bytes, 1)
    rate('prim.aes_gcm', aes.ms)
    ctx.sample({ name: 'stage.prim.aes_gcm.in_call_share', value: aes.inCallMs / aes.ms, unit: '×' })
    await settle()
    rate('prim.aes_gcm_4_in_flight', (await measureAesGcm(inputs.bytes, 4)).ms)
    await settle()
    const sha = await measureSha256(inputs.bytes)
    rate('prim.sha256', sha.ms)
    ctx.sample({ name: 'stage.prim.sha256.in_call_share', value: sha.inCallMs / sha.ms, unit: '×' })
    await settle()
    rate('prim.blake3', await measureBlake3(inputs.bytes))
  }
}
