import { MemoryBlockstore } from 'blockstore-core/memory'
import { MemoryDatastore } from 'datastore-core/memory'
import { readBlock } from '../../../core/index/chain.ts'
import { IndexLog, type IndexLogInit, type MergeResult } from '../../../core/index/index-log.ts'
import { key } from '../index/fixtures.ts'

/** Shared set-up for the sync tests (not a test file itself). */

export const T0 = Date.UTC(2026, 0, 5, 9)
export const DAY = 24 * 60 * 60 * 1000

/** One device's index on its own memory stores. */
export interface Replica {
  log: IndexLog
  blockstore: MemoryBlockstore
  datastore: MemoryDatastore
  deviceId: string
  /** The replica's wall clock; tests move `t`. */
  clock: { t: number }
}

/** A started IndexLog for `deviceId` with its own stores; `skew` is added to the shared clock. */
export async function replica (deviceId: string, init: Partial<IndexLogInit> & { fill?: number, start?: number } = {}): Promise<Replica> {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  const clock = { t: init.start ?? T0 }
  const log = new IndexLog({ blockstore, datastore }, { indexKey: key(init.fill ?? 7), deviceId, now: () => clock.t, ...withoutExtras(init) })
  await log.start()
  return { log, blockstore, datastore, deviceId, clock }
}

function withoutExtras (init: Partial<IndexLogInit> & { fill?: number, start?: number }): Partial<IndexLogInit> {
  const { fill, start, ...rest } = init
  void fill
  void start
  return rest
}

/** The same replica reopened from its stores (what a restart sees). */
export async function reopen (r: Replica): Promise<IndexLog> {
  const log = new IndexLog({ blockstore: r.blockstore, datastore: r.datastore }, { indexKey: key(7), deviceId: r.deviceId, now: () => r.clock.t })
  await log.start()
  return log
}

/**
 * `to` merges every chain `from` is ahead on, fetching blocks from `from`'s
 * store (as a sync session does, without the stream).
 */
export async function pull (to: Replica, from: Replica): Promise<MergeResult[]> {
  const results: MergeResult[] = []
  for (const [device, signed] of Object.entries(from.log.signedHeads())) {
    if (signed.seq <= (to.log.heads().get(device)?.seq ?? 0)) continue
    results.push(await to.log.merge(device, signed, async cid => await readBlock(from.blockstore, cid)))
  }
  return results
}

/** What a user sees, as plain JSON, to compare replicas. */
export function shown (log: IndexLog): unknown {
  return JSON.parse(JSON.stringify(log.listFiles()))
}
