import { readDecrypted } from '../../../core/storage/encrypted-content.ts'
import { openPackStore } from './bench-stores.ts'
import { measureEncryptedAdd, measureEncryptedAddV1, measurePlainAdd, type EncryptedAdd } from './measure-add.ts'
import { measureReadDecrypted, vaultReadView } from './measure-read.ts'
import { measureDownloadHeap } from './measure-download.ts'
import { clearScratch } from './opfs-scratch.ts'
import { measureChainedAdd, measureOffloadedRead, type OffloadedAdd, type ProtoWorkers } from './proto-offload.ts'
import { measureWindowedRead, readDecryptedWindowed } from './proto-windowed-read.ts'
import { withStore, type SuiteEnv } from './suite-env.ts'

type Observer = (name: string, work: () => Promise<unknown>, peak?: string) => Promise<void>

/**
 * Extra untimed runs under observation, kept apart so the observing cannot
 * disturb the timed figures: CPU time per thread (from /proc) with peak
 * memory (sampled over CDP); with stages on, also V8 sampling profiles of
 * the bench worker's thread (saved as results/*.cpuprofile), the prototypes'
 * CPU, and how much a paused reader leaves buffered.
 */
export async function runProfiles (env: SuiteEnv, protos?: ProtoWorkers): Promise<void> {
  const { ctx, settle } = env
  ctx.log('profiling runs (untimed)')
  const observer = (kind: 'cpu' | 'profile'): Observer => async (name, work, peak) => {
    await settle()
    if (peak !== undefined && kind === 'cpu') await ctx.host({ op: 'peak-start', label: peak })
    await ctx.host({ op: `${kind}-start`, label: name })
    await work()
    await ctx.host({ op: `${kind}-stop`, label: name })
    if (peak !== undefined && kind === 'cpu') await ctx.host({ op: 'peak-stop', label: peak })
  }
  await observeHeadlines(env, observer('cpu'))
  // The read-ahead bound is a headline goal (issue 12): measured with or without stages.
  await observeReadAhead(env)
  await measureDownloadHeap(env)
  if (!env.options.stages) return
  await observeHeadlines(env, observer('profile'))
  if (protos !== undefined) await observePrototypes(env, protos, observer('cpu'))
}

async function observeHeadlines (env: SuiteEnv, observe: Observer): Promise<void> {
  const { file, label } = env
  await withStore(await openPackStore('encrypted'), async (store) => {
    let add: EncryptedAdd | undefined
    await observe('add.encrypted', async () => { add = await measureEncryptedAdd(file, store, env.sealer, env.dedupKey) }, `heap.peak.add.encrypted.${label}.MiB`)
    const { cid, fileKey } = add as EncryptedAdd
    await observe('read.decrypted', async () => await measureReadDecrypted(vaultReadView(store.blockstore), cid, fileKey, file.size, env.sealer), `heap.peak.read.decrypted.${label}.MiB`)
    // The read and the add as they were (decrypt on this thread; version-1 tag in the hash worker): where the CPU went.
    await observe('read.decrypted.in_thread', async () => await measureReadDecrypted(vaultReadView(store.blockstore), cid, fileKey, file.size), `heap.peak.read.decrypted.in_thread.${label}.MiB`)
  })
  await clearScratch()
  await withStore(await openPackStore('encrypted-pieces'), async (store) => {
    await observe('add.encrypted.from_pieces', async () => await measureEncryptedAdd(file, store, env.sealer, env.dedupKey, 'pieces'), `heap.peak.add.encrypted.from_pieces.${label}.MiB`)
  })
  await clearScratch()
  await withStore(await openPackStore('encrypted-v1'), async (store) => {
    await observe('add.encrypted.v1_path', async () => await measureEncryptedAddV1(file, store, env.hashTag, env.dedupKey), `heap.peak.add.encrypted.v1_path.${label}.MiB`)
  })
  await clearScratch()
  await withStore(await openPackStore('plain'), async (store) => {
    await observe('add.plain', async () => await measurePlainAdd(file, store), `heap.peak.add.plain.${label}.MiB`)
  })
  await clearScratch()
}

/**
 * `heap.read_ahead.*`: a reader takes the first piece of a stored file and
 * pauses; after a while and a GC, the worker's heap shows what the read
 * buffered ahead of it (everything, for @helia/unixfs `cat`).
 */
async function observeReadAhead (env: SuiteEnv): Promise<void> {
  const { file, ctx, label } = env
  const pausedRead = async (name: string, stream: ReadableStream<Uint8Array>): Promise<void> => {
    const reader = stream.getReader()
    await reader.read()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    await ctx.host({ op: 'heap', label: `heap.read_ahead.${name}.${label}.MiB` })
    await reader.cancel()
  }
  await withStore(await openPackStore('read-ahead'), async (store) => {
    const add = await measureEncryptedAdd(file, store, env.sealer, env.dedupKey)
    await pausedRead('read.decrypted', readDecrypted(vaultReadView(store.blockstore), add.cid, add.fileKey.slice(), { sealer: env.sealer }))
    await env.settle()
    await pausedRead('proto.read.windowed', readDecryptedWindowed(store.blockstore, add.cid, add.fileKey))
    // The exporter of the first read may still be walking; let it finish before the store closes.
    await new Promise((resolve) => setTimeout(resolve, 1000))
  })
  await clearScratch()
}

async function observePrototypes (env: SuiteEnv, protos: ProtoWorkers, observe: Observer): Promise<void> {
  const { file, label } = env
  await withStore(await openPackStore('proto'), async (store) => {
    let add: OffloadedAdd | undefined
    await observe('proto.add.chain', async () => { add = await measureChainedAdd(file, store, protos.first, protos.second, env.dedupKey) })
    const { cid, fileKey } = add as OffloadedAdd
    await observe('proto.read.decrypt_worker', async () => await measureOffloadedRead(store, cid, fileKey, protos.first, file.size, false))
    await observe('proto.read.windowed', async () => await measureWindowedRead(store.blockstore, cid, fileKey, file.size), `heap.peak.proto.read.windowed.${label}.MiB`)
  })
  await clearScratch()
}
