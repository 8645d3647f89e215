import { openPackStore } from './bench-stores.ts'
import { measureEncryptedAdd, measurePlainAdd } from './measure-add.ts'
import { measureReadDecrypted } from './measure-read.ts'
import { clearScratch } from './opfs-scratch.ts'
import { measureChainedAdd, measureOffloadedAdd, measureOffloadedRead, type ProtoWorkers } from './proto-offload.ts'
import { measureWindowedRead } from './proto-windowed-read.ts'
import { withStore, type SuiteEnv } from './suite-env.ts'

/**
 * Extra untimed runs under observation, kept apart so the observing cannot
 * disturb the timed figures: peak memory (sampled over CDP) and CPU time per
 * thread (from /proc); with stages on, also V8 sampling profiles of the bench
 * worker's thread (saved as results/*.cpuprofile).
 */
export async function runProfiles (env: SuiteEnv, protos?: ProtoWorkers): Promise<void> {
  const { file, ctx, label, settle } = env
  ctx.log('profiling runs (untimed)')
  const observe = async (kind: 'cpu' | 'profile', name: string, work: () => Promise<unknown>): Promise<void> => {
    await settle()
    await ctx.host({ op: `${kind}-start`, label: name })
    await work()
    await ctx.host({ op: `${kind}-stop`, label: name })
  }
  const kinds: Array<'cpu' | 'profile'> = env.options.stages ? ['cpu', 'profile'] : ['cpu']
  for (const kind of kinds) {
    await withStore(await openPackStore('encrypted'), async (store) => {
      let add: Awaited<ReturnType<typeof measureEncryptedAdd>> | undefined
      const peakLabel = `heap.peak.add.encrypted.${label}.MiB`
      if (kind === 'cpu') await ctx.host({ op: 'peak-start', label: peakLabel })
      await observe(kind, 'add.encrypted', async () => { add = await measureEncryptedAdd(file, store, env.hashTag, env.dedupKey) })
      if (kind === 'cpu') await ctx.host({ op: 'peak-stop', label: peakLabel })
      const { cid, fileKey } = add as NonNullable<typeof add>
      const readPeak = `heap.peak.read.decrypted.${label}.MiB`
      if (kind === 'cpu') await ctx.host({ op: 'peak-start', label: readPeak })
      await observe(kind, 'read.decrypted', async () => await measureReadDecrypted(store.blockstore, cid, fileKey, file.size))
      if (kind === 'cpu') await ctx.host({ op: 'peak-stop', label: readPeak })
    })
    await clearScratch()
    await withStore(await openPackStore('plain'), async (store) => {
      const peakLabel = `heap.peak.add.plain.${label}.MiB`
      if (kind === 'cpu') await ctx.host({ op: 'peak-start', label: peakLabel })
      await observe(kind, 'add.plain', async () => await measurePlainAdd(file, store))
      if (kind === 'cpu') await ctx.host({ op: 'peak-stop', label: peakLabel })
    })
    await clearScratch()
  }
  if (protos === undefined) return
  await withStore(await openPackStore('proto'), async (store) => {
    let add: Awaited<ReturnType<typeof measureOffloadedAdd>> | undefined
    await observe('cpu', 'proto.add.chain', async () => { add = await measureChainedAdd(file, store, protos.first, protos.second, env.dedupKey) })
    const { cid, fileKey } = add as NonNullable<typeof add>
    await observe('cpu', 'proto.read.decrypt_worker', async () => await measureOffloadedRead(store, cid, fileKey, protos.first, file.size, false))
    const peak = `heap.peak.proto.read.windowed.${label}.MiB`
    await ctx.host({ op: 'peak-start', label: peak })
    await observe('cpu', 'proto.read.windowed', async () => await measureWindowedRead(store.blockstore, cid, fileKey, file.size))
    await ctx.host({ op: 'peak-stop', label: peak })
  })
  await clearScratch()
}
