import type { CID } from 'multiformats/cid'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { FsPackFiles } from '../../../relay-server/storage/fs-pack-files.ts'
import { median } from '../support/report.ts'
import { absentCid, blockCid, type ScaleFixture } from './fixture.ts'

/** Keys looked up per timed pass: half present (random blocks), half absent, shuffled. */
const KEYS = 100_000
const PASSES = 7

/** Per-lookup costs of one store, in ns: `has()` (the index alone) and `get()` (index and read). */
export interface LookupCost {
  hasNs: number
  getNs: number
}

/**
 * Opens each fixture's pack store and times lookups of random present and
 * absent keys, the stores taking turns pass by pass (A B A B …) so a burst
 * of load from other programs hits both alike. Medians of the passes.
 */
export async function measureLookups (fixtures: ScaleFixture[]): Promise<LookupCost[]> {
  const stores = await Promise.all(fixtures.map(async (fixture) => {
    const store = new PackBlockstore({ files: new FsPackFiles(fixture.blocksDir) })
    await store.start()
    return { store, keys: await lookupKeys(fixture), present: await presentKeys(fixture) }
  }))
  try {
    const has = stores.map(() => [] as number[])
    const get = stores.map(() => [] as number[])
    for (let pass = 0; pass < PASSES; pass++) {
      for (const [i, { store, keys, present }] of stores.entries()) {
        let found = 0
        let start = performance.now()
        for (const cid of keys) if (store.has(cid)) found++
        has[i]?.push((performance.now() - start) * 1e6 / keys.length)
        if (found !== keys.length / 2) throw new Error(`expected ${keys.length / 2} present keys, found ${found}`)
        start = performance.now()
        for (const cid of present) for await (const bytes of store.get(cid)) void bytes
        get[i]?.push((performance.now() - start) * 1e6 / present.length)
      }
    }
    return stores.map((_, i) => ({ hasNs: median(has[i] ?? []), getNs: median(get[i] ?? []) }))
  } finally {
    for (const { store } of stores) await store.stop()
  }
}

async function lookupKeys (fixture: ScaleFixture): Promise<CID[]> {
  const keys: CID[] = []
  for (let k = 0; k < KEYS / 2; k++) {
    keys.push(await blockCid(Math.floor(Math.random() * fixture.count), fixture.blockSize))
    keys.push(await absentCid(k))
  }
  for (let k = keys.length - 1; k > 0; k--) {
    const j = Math.floor(Math.random() * (k + 1))
    ;[keys[k], keys[j]] = [keys[j] as CID, keys[k] as CID]
  }
  return keys
}

/** Random present blocks for `get()`: fewer, since each is a read and a hash. */
async function presentKeys (fixture: ScaleFixture): Promise<CID[]> {
  return Promise.all(Array.from({ length: 5000 }, async () => blockCid(Math.floor(Math.random() * fixture.count), fixture.blockSize)))
}
