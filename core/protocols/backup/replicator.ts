import { backoffDelay } from '../../backoff.ts'
import { CairnError, isCairnError, QuotaExceededError } from '../../errors.ts'
import { dropUnpinned, fetchAndPin, toCid, unpinAndFree } from './dag-fetch.ts'
import { FairPicker } from './fair-pick.ts'
import { dueAt, encodeRecord, holdsRoot, itemKey } from './peer-store.ts'
import type { VaultLedger } from './vault-ledger.ts'
import type { ItemRecord } from './peer-store.ts'
import type { DagStore } from './node-parts.ts'
import type { Log } from '../../log.ts'
import type { Clock } from '../../clock.ts'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'
import type { FetchedBlock } from '../blocks/fetched-block.ts'

export interface ReplicatorComponents {
  helia: DagStore
  datastore: Datastore
  ledger: VaultLedger
  log: Log
  /** Runs state changes one at a time (shared with the request handlers). */
  serial: <T>(fn: () => Promise<T>) => Promise<T>
  /** Fetches a missing block of `vault`'s from that vault's own devices, and keeps it (DeviceWants). */
  fetchBlock: (vault: string, cid: CID, signal: AbortSignal) => Promise<FetchedBlock>
  /** The roots whose pins hold a block (Helia's pin records, block-access.ts). */
  pinnedBy: (cid: CID) => Promise<CID[]>
}

export interface ReplicatorInit {
  concurrency: number
  blockConcurrency: number
  attemptTimeoutMs: number
  retryBaseMs: number
  retryMaxMs: number
  maxAttempts: number
  quotaBytes: number
  /** Free nothing a device unpinned or dropped (only share copies at their own expiry). */
  appendOnly: boolean
  /** The clock retention, expiries and retries are judged by. */
  now: Clock
}

interface Running {
  item: ItemRecord
  controller: AbortController
  done: Promise<void>
}

const STOPPING = 'the backup service is stopping'
/** ±25 % on each retry delay, so the retries of many roots do not move in lockstep. */
const RETRY_JITTER = 0.25

/**
 * Works through the ledger: fetches pending roots (bounded concurrency,
 * retries with capped exponential backoff and jitter, then `failed`), and
 * frees unpinned roots once their retention period is over. Every outcome
 * is persisted before the next step, so a restart resumes from the ledger:
 * pending roots are simply fetched again (blocks already here are read,
 * not fetched), and nothing is pinned or counted twice.
 */
export class Replicator {
  private readonly running = new Map<string, Running>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private started = false
  private freeing: Promise<void> = Promise.resolve()
  private readonly toFree = new Set<string>()
  private readonly picker = new FairPicker()

  constructor (private readonly components: ReplicatorComponents, private readonly init: ReplicatorInit) {}

  start (): void {
    this.started = true
    this.wake()
  }

  /** Aborts fetches in flight (they stay pending, their attempt not counted) and waits for them. */
  async stop (): Promise<void> {
    this.started = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    for (const run of this.running.values()) run.controller.abort(new CairnError('ABORTED', STOPPING))
    await Promise.allSettled([...this.running.values()].map(async run => await run.done))
    await this.freeing
  }

  /** Number of roots being fetched right now. */
  get active (): number {
    return this.running.size
  }

  /** Looks for work now: call after the ledger changed. */
  wake (): void {
    if (!this.started) return
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const now = this.init.now()
    let next = Infinity
    const ready: ItemRecord[] = []
    for (const item of this.components.ledger.items()) {
      const due = this.due(item)
      if (due <= now) this.free(item)
      else next = Math.min(next, due)
      if (item.state !== 'pending' || this.running.has(runKey(item))) continue
      if (item.nextAt <= now) ready.push(item)
      else next = Math.min(next, item.nextAt)
    }
    ready.sort((a, b) => a.nextAt - b.nextAt || a.addedAt - b.addedAt)
    // Vaults take turns for the fetch slots (fan-in): one with many roots queued starves none.
    const perVault = new Map<string, number>()
    for (const run of this.running.values()) perVault.set(run.item.vault, (perVault.get(run.item.vault) ?? 0) + 1)
    const slots = this.init.concurrency - this.running.size
    for (const item of this.picker.pick(ready.filter((item) => this.due(item) > now), perVault, slots)) this.fetch(item)
    // Node clamps longer timeouts to 1 ms; wake at least daily instead.
    if (next < Infinity) this.timer = setTimeout(() => { this.wake() }, Math.min(Math.max(0, next - now), 2 ** 31 - 1))
  }

  /**
   * Frees these items now (they were dropped: due at once), aborting their
   * fetches, and resolves once they are gone, so a "Stop sharing" answered
   * means the blocks are no longer served.
   */
  async freeNow (items: ItemRecord[]): Promise<void> {
    for (const item of items) this.free(item)
    await this.freeing
  }

  private fetch (item: ItemRecord): void {
    const { helia, ledger, log, fetchBlock } = this.components
    const controller = new AbortController()
    const key = runKey(item)
    const done = (async () => {
      try {
        const bytes = await fetchAndPin(helia, toCid(item.cid), {
          signal: controller.signal,
          blockConcurrency: this.init.blockConcurrency,
          stallMs: this.init.attemptTimeoutMs,
          // Asked of this vault's devices only: no other vault's device learns what it backs up.
          fetchBlock: async (cid, signal) => await fetchBlock(item.vault, cid, signal),
          // A block here is read only when a root this vault already holds pins it; any other comes from
          // the vault's own devices, so a vault cannot claim another's blocks by naming their CIDs.
          mayReadHere: async (cid) => await this.heldByVault(item.vault, cid),
          onProgress: (seen) => {
            // Bytes in flight count: with several roots of one vault fetched at once, all of them.
            ledger.setInFlight(item, seen)
            if (ledger.committedBytes(item.vault) > this.init.quotaBytes) {
              controller.abort(new QuotaExceededError(`the vault's quota of ${this.init.quotaBytes} bytes on this peer is full`))
            }
          }
        })
        await this.settle(item, { bytes })
      } catch (err) {
        const reason = controller.signal.aborted ? controller.signal.reason as unknown : err
        await this.settle(item, { error: reason })
      }
    })().catch((err: unknown) => { log.error(`backup: recording the fetch of ${item.cid} failed: ${(err as Error).message}`) })
      .finally(() => {
        ledger.setInFlight(item, undefined)
        this.running.delete(key)
        this.wake()
      })
    this.running.set(key, { item, controller, done })
  }

  /** True when a root `vault` holds (fetched from its own devices) pins `cid`. */
  private async heldByVault (vault: string, cid: CID): Promise<boolean> {
    const items = this.components.ledger.get(vault)?.items
    if (items === undefined) return false
    return (await this.components.pinnedBy(cid)).some(root => holdsRoot(items.get(root.toString())))
  }

  private async settle (item: ItemRecord, outcome: { bytes: number } | { error: unknown }): Promise<void> {
    const { ledger, log } = this.components
    await this.components.serial(async () => {
      // Freed (unpinned and expired) while it was being fetched: nothing to record.
      if (ledger.get(item.vault)?.items.get(item.cid) !== item) return
      if ('bytes' in outcome) {
        item.state = 'pinned'
        item.held = true
        item.bytes = outcome.bytes
        item.attempts++
        delete item.reason
        log.info(`backup: holding ${item.cid} for vault ${short(item.vault)} (${outcome.bytes} bytes)`)
      } else {
        // Stopping, or aborted because the root is being freed: not a failed attempt.
        if (isCairnError(outcome.error, 'ABORTED') && (!this.started || this.due(item) <= this.init.now())) return
        item.attempts++
        item.reason = describe(outcome.error)
        const final = isCairnError(outcome.error, 'QUOTA_EXCEEDED') || item.attempts >= this.init.maxAttempts
        if (final) {
          await this.dropPartial(item)
          item.state = 'failed'
          log.warn(`backup: gave up on ${item.cid} for vault ${short(item.vault)} after ${item.attempts} attempts: ${item.reason}`)
        } else {
          item.nextAt = this.init.now() + backoffDelay(item.attempts, { baseMs: this.init.retryBaseMs, maxMs: this.init.retryMaxMs, jitter: RETRY_JITTER })
          log.info(`backup: fetching ${item.cid} failed (attempt ${item.attempts}), retrying in ${Math.round((item.nextAt - this.init.now()) / 1000)} s: ${item.reason}`)
        }
      }
      await this.components.datastore.put(itemKey(item.vault, item.cid), encodeRecord(item))
    })
  }

  /** Deletes what a given-up root left behind, unless another vault wants the same root. */
  private async dropPartial (item: ItemRecord): Promise<void> {
    if (this.components.ledger.wantedElsewhere(item.cid, item.vault)) return
    try {
      await dropUnpinned(this.components.helia, toCid(item.cid))
    } catch (err) {
      this.components.log.warn(`backup: cleaning up after ${item.cid} failed: ${(err as Error).message}`)
    }
  }

  /** When `item` may be freed on this peer (never what was unpinned, when append-only). */
  private due (item: ItemRecord): number {
    return dueAt(item, this.init.appendOnly)
  }

  /** Frees a root that is due: retention over, dropped or expired (queued: one at a time). */
  private free (item: ItemRecord): void {
    const { helia, ledger, log, datastore } = this.components
    const key = runKey(item)
    if (this.toFree.has(key)) return
    this.toFree.add(key)
    this.freeing = this.freeing.then(async () => {
      const run = this.running.get(key)
      if (run !== undefined) {
        run.controller.abort(new CairnError('ABORTED', 'unpinned'))
        await run.done
      }
      await this.components.serial(async () => {
        const now = this.init.now()
        if (ledger.get(item.vault)?.items.get(item.cid) !== item || this.due(item) > now) return
        let deleted = 0
        if (!ledger.wantedElsewhere(item.cid, item.vault)) {
          try {
            deleted = item.state === 'pinned' ? await unpinAndFree(helia, toCid(item.cid)) : await dropUnpinned(helia, toCid(item.cid))
          } catch (err) {
            log.warn(`backup: freeing ${item.cid} was incomplete: ${(err as Error).message}`)
          }
        }
        ledger.remove(item)
        await datastore.delete(itemKey(item.vault, item.cid))
        log.info(`backup: freed ${item.cid} of vault ${short(item.vault)} (${item.bytes} bytes, ${deleted} blocks) ${why(item, now)}`)
      })
    }).catch((err: unknown) => { log.error(`backup: freeing ${item.cid} failed: ${(err as Error).message}`) })
      .finally(() => { this.toFree.delete(key) })
  }
}


function why (item: ItemRecord, now: number): string {
  if (item.dropped === true) return 'as dropped'
  if (item.expiresAt !== undefined && item.expiresAt <= now) return 'at its expiry'
  return 'after its retention period'
}

function runKey (item: ItemRecord): string {
  return `${item.vault}/${item.cid}`
}

function describe (err: unknown): string {
  if (err instanceof CairnError) return `${err.code}: ${err.message}`
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return String(err)
}

/** A vault id shortened for logs. */
export function short (vault: string): string {
  return vault.slice(0, 8)
}
