import { CID } from 'multiformats/cid'
import { sleep } from '../../backoff.ts'
import { readWholeBlock } from '../../storage/read-block.ts'
import { encodeRecord, itemKey } from './peer-store.ts'
import type { VaultLedger } from './vault-ledger.ts'
import type { Replicator } from './replicator.ts'
import type { BlockGetter } from './node-parts.ts'
import type { Log } from '../../log.ts'
import type { Clock } from '../../clock.ts'
import type { Datastore } from 'interface-datastore'
import type { FetchedBlock } from '../blocks/fetched-block.ts'

/** A little more than bitswap's window in which a peer is not sent the same block again. */
const RESEND_WINDOW_MS = 5500
/** Longer than bitswap's wantlist debounce. */
const WANT_SETTLE_MS = 100

export interface VerifyRepairComponents {
  helia: BlockGetter
  datastore: Datastore
  ledger: VaultLedger
  replicator: Replicator
  log: Log
  serial: <T>(fn: () => Promise<T>) => Promise<T>
  /** The replicator's clock: a requeued root is due at once by it. */
  now: Clock
  /** Fetches a missing block from the vault's own devices (DeviceWants); without it, from every connected peer. */
  fetchBlock?: (vault: string, cid: CID, signal: AbortSignal) => Promise<FetchedBlock>
}

/**
 * What a verify found bad is repaired, not just reported: each bad copy is
 * dropped and the block fetched again over bitswap from the connected
 * members (the device that asked for the verify holds it), checked against
 * its CID by Helia on arrival. A block that does not come back in time
 * leaves its root pending, so the replicator fetches it again with its
 * usual retries. Returns the blocks repaired now.
 */
export async function repairBadBlocks (c: VerifyRepairComponents, vault: string, roots: Record<string, string>, timeoutMs: number): Promise<string[]> {
  const store = c.helia.blockstore as BlockGetter['blockstore'] & { unwrap?: () => Pick<BlockGetter['blockstore'], 'delete'> }
  // All at once: each may wait through several wants, and the verify's answer waits for them.
  const outcomes = await Promise.all(Object.entries(roots).map(async ([cidText, root]) => {
    const cid = CID.parse(cidText)
    try {
      // Under Helia's networked layer: its own delete first asks content routers, and a Cairn node has none.
      await (store.unwrap?.() ?? store).delete(cid)
      await fetchAgain(c, vault, cid, timeoutMs)
      c.log.info(`backup: replaced bad block ${cidText} of vault ${vault.slice(0, 8)} with a good copy from a member`)
      return cidText
    } catch (err) {
      c.log.warn(`backup: bad block ${cidText} of vault ${vault.slice(0, 8)} could not be fetched again yet (${(err as Error).message}); its root is queued to fetch again`)
      await requeue(c, vault, root)
      return undefined
    }
  }))
  return outcomes.filter((cid): cid is string => cid !== undefined)
}

/**
 * Fetches a block the store no longer holds from the vault's members,
 * asking again every few seconds. Helia's bitswap does not send one peer
 * the same block twice within 5 s (doNotResendBlockWindow), and the member
 * only forgets that it sent it when a later message arrives or a cancel
 * (DeviceWants sends one when an attempt gives up; Helia's own wantlist
 * never does). So a want can be ignored, and a later one is heard.
 */
async function fetchAgain (c: VerifyRepairComponents, vault: string, cid: CID, timeoutMs: number): Promise<void> {
  const attempts = Math.max(1, Math.ceil(timeoutMs / RESEND_WINDOW_MS))
  for (let attempt = 1; ; attempt++) {
    try {
      const signal = AbortSignal.timeout(Math.min(RESEND_WINDOW_MS, timeoutMs))
      if (c.fetchBlock !== undefined) await c.fetchBlock(vault, cid, signal)
      else await readWholeBlock(c.helia.blockstore, cid, { signal })
      return
    } catch (err) {
      if (attempt >= attempts) throw err
      // Let the aborted want's cancel go out first, or the next want reuses its cancelled entry and is never sent.
      await sleep(WANT_SETTLE_MS)
    }
  }
}

/** Marks a pinned root pending again, persisted, so the replicator fetches what it lacks. */
async function requeue (c: VerifyRepairComponents, vault: string, root: string): Promise<void> {
  await c.serial(async () => {
    const item = c.ledger.get(vault)?.items.get(root)
    if (item === undefined || item.state !== 'pinned') return
    // It held the root: its blocks still here are read, not fetched again, and it is still served them meanwhile.
    item.held = true
    item.state = 'pending'
    item.attempts = 0
    item.nextAt = c.now()
    // The fetch counts every byte of the DAG it sees toward the quota again: don't count them twice meanwhile.
    item.bytes = 0
    await c.datastore.put(itemKey(item.vault, item.cid), encodeRecord(item))
  })
  c.replicator.wake()
}
