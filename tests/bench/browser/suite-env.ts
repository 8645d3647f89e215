import type { ChunkSealer } from '../../../core/storage/chunk-sealer.ts'
import type { TagHasher } from '../../../core/vault/vault-files.ts'
import { mbPerSecond, type BenchContext } from './bench-context.ts'
import type { BenchStore } from './bench-stores.ts'
import type { BenchOptions } from './protocol.ts'

/** What every part of the suite shares. */
export interface SuiteEnv {
  file: File
  options: BenchOptions
  ctx: BenchContext
  /** `256MiB`: the size part of figure names. */
  label: string
  /** The app's hash worker (one per session, already started). */
  hashTag: TagHasher
  /** The app's seal workers (one pool per session, already started). */
  sealer: ChunkSealer
  dedupKey: Uint8Array
  /** Plain BLAKE3 of the file, for read-back checks. */
  inputBlake3: string
  /** Records `name` as MB/s for the file's size done in `ms`. */
  rate: (name: string, ms: number) => void
  /** Garbage-collects the bench worker (over CDP) before a measurement. */
  settle: () => Promise<void>
}

export function createSuiteEnv (file: File, options: BenchOptions, ctx: BenchContext, hashTag: TagHasher, sealer: ChunkSealer, dedupKey: Uint8Array, inputBlake3: string): SuiteEnv {
  return {
    file,
    options,
    ctx,
    label: `${options.sizeMiB}MiB`,
    hashTag,
    sealer,
    dedupKey,
    inputBlake3,
    rate: (name, ms) => { ctx.sample({ name, value: mbPerSecond(file.size, ms), unit: 'MB/s' }) },
    settle: async () => { await ctx.host({ op: 'gc', label: '' }) }
  }
}

/** Runs `use` on `store` and closes the store whatever happens. */
export async function withStore<T> (store: BenchStore, use: (store: BenchStore) => Promise<T>): Promise<T> {
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}
