import { openPackStore } from './bench-stores.ts'
import { measureEncryptedAdd, measurePlainAdd } from './measure-add.ts'
import { measureReadDecrypted } from './measure-read.ts'
import { clearScratch } from './opfs-scratch.ts'
import { withStore, type SuiteEnv } from './suite-env.ts'

/**
 * Extra untimed runs under observation, kept apart so the observing cannot
 * disturb the timed figures: peak memory (sampled over CDP) and CPU time per
 * thread (from /proc); with stages on, also V8 sampling profiles of the bench
 * worker's thread (saved as results/*.cpuprofile).
 */
export async function runProfiles (env: SuiteEnv): Promise<void> {
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
      await observe(kind, 'read.decrypted', async () => await measureReadDecrypted(store.blockstore, cid, fileKey, file.size))
    })
    await clearScratch()
    await withStore(await openPackStore('plain'), async (store) => {
      await observe(kind, 'add.plain', async () => await measurePlainAdd(file, store))
    })
    await clearScratch()
  }
}
