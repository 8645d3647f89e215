import { blockMatchesCid } from '../storage/block-check.ts'
import type { Log } from '../log.ts'
import type { CID } from 'multiformats/cid'

/**
 * Where a good copy of a block can come from. In the app: bitswap over the
 * node's own connections (its paired backup peers, its other devices), see
 * core/node/bitswap-block-source.ts; in tests, a fake.
 */
export interface BlockSource {
  /** The block's bytes from elsewhere; rejects when nobody has it before `signal` aborts. */
  fetch: (cid: CID, signal: AbortSignal) => Promise<Uint8Array>
}

/** The local store's side of a repair: write a good copy over a damaged one. */
export interface RepairableStore {
  replace: (cid: CID, bytes: Uint8Array) => Promise<void>
}

export interface BlockRepairComponents {
  store: RepairableStore
  source: BlockSource
  /** Block CIDs only, never file names: logs get copied into bug reports. */
  log: Log
}

export interface BlockRepairInit {
  /** How long to look for a good copy before calling the block lost. Default 8 s. */
  timeoutMs?: number
}

/** What one repair found. */
export type RepairOutcome = { repaired: true, bytes: Uint8Array } | { repaired: false, reason: string }

const DEFAULT_TIMEOUT_MS = 8000

/**
 * Repairs damaged local blocks from copies elsewhere: fetches the block by
 * its CID, checks the copy hashes to that CID (a peer is not trusted), and
 * has the store append it in place of the damaged one. Concurrent repairs
 * of one block share one fetch.
 */
export class BlockRepair {
  private readonly running = new Map<string, Promise<RepairOutcome>>()
  private readonly timeoutMs: number

  constructor (private readonly components: BlockRepairComponents, init: BlockRepairInit = {}) {
    this.timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  /** Fetches, checks and stores a good copy of `cid`. Never throws. */
  async repair (cid: CID, signal?: AbortSignal): Promise<RepairOutcome> {
    const key = cid.toString()
    let run = this.running.get(key)
    if (run === undefined) {
      run = this.attempt(cid, signal).finally(() => { this.running.delete(key) })
      this.running.set(key, run)
    }
    return await run
  }

  private async attempt (cid: CID, signal?: AbortSignal): Promise<RepairOutcome> {
    const { log, source, store } = this.components
    log.warn(`damaged block ${cid.toString()} in local storage: its bytes no longer match its hash; looking for a good copy on connected peers`)
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const limit = signal === undefined ? timeout : AbortSignal.any([signal, timeout])
    let reason: string
    try {
      const bytes = await source.fetch(cid, limit)
      if (await blockMatchesCid(cid, bytes)) {
        await store.replace(cid, bytes)
        log.info(`repaired damaged block ${cid.toString()} with a good copy from a connected peer`)
        return { repaired: true, bytes }
      }
      reason = 'the copy a peer sent was damaged too'
    } catch (err) {
      reason = timeout.aborted ? `no connected peer had a good copy within ${Math.round(this.timeoutMs / 1000)} s` : (err instanceof Error ? err.message : String(err))
    }
    log.error(`damaged block ${cid.toString()} could not be repaired: ${reason}`)
    return { repaired: false, reason }
  }
}
