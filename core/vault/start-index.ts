import type { CID } from 'multiformats/cid'
import { inCauses } from '../errors.ts'
import type { IndexLog } from '../index/index-log.ts'
import { missingIndexBlock } from '../index/chain.ts'
import type { Log } from '../log.ts'
import { damagedCid } from '../storage/block-check.ts'
import type { BlockRepair } from './block-repair.ts'

/** At most this many op blocks repaired in one unlock: more means the store is failing, not a flipped bit. */
const MAX_REPAIRS = 64

/**
 * Opens the index log, repairing its op blocks on the way: one the pack store
 * finds damaged (BLOCK_DAMAGED), or lost from this device's store, is fetched
 * again from a peer that holds it (a backup peer or another device, checked
 * against its CID by BlockRepair) and the start is tried again. Without a
 * good copy the unlock fails as before, in words, and nothing is changed.
 * `make` gives a fresh, unstarted log each time.
 */
export async function startIndexRepairing (make: () => IndexLog, repair: BlockRepair | undefined, log: Log): Promise<IndexLog> {
  const tried = new Set<string>()
  for (;;) {
    const index = make()
    try {
      await index.start()
      return index
    } catch (err) {
      await index.stop()
      const cid = blockOf(err)
      if (cid === undefined || repair === undefined || tried.has(cid.toString()) || tried.size >= MAX_REPAIRS) throw err
      tried.add(cid.toString())
      const outcome = await repair.repair(cid)
      if (!outcome.repaired) {
        log.warn(`the file list's block ${cid.toString()} is damaged or missing here and no peer sent a good copy (${outcome.reason})`)
        throw err
      }
      log.info(`repaired the file list's block ${cid.toString()} from a peer`)
    }
  }
}

/** The op block an index start failed on, when it failed for a damaged or missing block. */
function blockOf (err: unknown): CID | undefined {
  return inCauses(err, (at) => damagedCid(at) ?? missingIndexBlock(at))
}
