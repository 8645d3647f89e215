import { CID } from 'multiformats/cid'
import { isCairnError, StorageFailedError } from '../errors.ts'
import { assertBlockMatches } from './block-check.ts'
import type { PackFiles } from './pack-files.ts'
import {
  FILE_HEADER_LENGTH, JOURNAL_MAGIC, RECORD_DELETE, checkHeader, decodeRecord, journalFileName, packFileName
} from './pack-format.ts'
import type { PackHandles } from './pack-handles.ts'
import type { BlockLocation, PackIndex } from './pack-index.ts'
import { INDEX_SLOTS } from './pack-index-file.ts'
import type { PackWriter } from './pack-writer.ts'

/** What compaction needs from the open store it works for. */
export interface CompactionHost {
  files: PackFiles
  handles: PackHandles
  index: PackIndex
  writer: PackWriter
  /** Journal bytes per pack the index reflects (shared with the store). */
  covered: Map<number, number>
  /** The store's one-at-a-time queue of appends, flushes and roll-overs. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>
  /** A block's bytes as stored (BLOCK_DAMAGED when its pack ends short of it). */
  read: (location: BlockLocation, cid: CID) => Promise<Uint8Array>
  /** Counts a journal record not yet in the saved index file. */
  recorded: () => void
  /** Saves the index file; call in the queue right after a flush. */
  saveIndex: () => Promise<void>
}

/**
 * Reclaims the space of deleted blocks, one pack at a time. A pack whose
 * live bytes fell to half of it or less has its live blocks copied to the
 * active pack through the normal append path (new put records), the copies
 * flushed, and only then its journal and pack file deleted. A pack with no
 * live block is deleted without a copy, so this works on a full disk too; a
 * mostly dead active pack is sealed (a roll-over) first.
 *
 * Crash safety: before the delete, both copies exist and recovery, reading
 * journals oldest pack first, lets the newer put record win; after it, the
 * journals that remain name every live block. Tombstones in the removed
 * journal that kill blocks of packs still present are written again to the
 * active journal first, so those blocks never come back. Tombstones naming
 * a removed pack match nothing, and pack numbers are never reused.
 *
 * Each block is copied in its own turn of the store's queue, so puts go on
 * meanwhile; reads never wait (a read of a pack being removed finds the
 * block's new place, see `PackBlockstore.read`).
 */
export class PackCompactor {
  /** Passes run one after another on this chain. */
  private chain: Promise<unknown> = Promise.resolve()
  /** A pass asked for but not started yet: later requests join it. */
  private queued: Promise<boolean> | undefined
  private stopping = false
  /** A pass put off until a run of lone deletes pauses. */
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Packs removed so far (a put that found the store full retries once this grew). */
  removedPacks = 0
  /** Packs that failed for another reason than a full store (a damaged block or journal): left alone until the next start. */
  private readonly stuck = new Set<number>()

  constructor (private readonly host: CompactionHost) {}

  /**
   * After deletes: starts a background pass when one of `packs` is now at
   * most half live, `delayMs` after the last such call (lone deletes come in
   * runs, and a pass started mid-run would copy blocks deleted next).
   */
  afterDelete (packs: Iterable<number>, delayMs = 0): void {
    if (![...packs].some((pack) => this.isCandidate(pack))) return
    this.clearTimer()
    if (delayMs <= 0) {
      void this.run()
      return
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.run()
    }, delayMs)
    // Node: a pending pass must not keep the process alive.
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /** Compacts every pack that qualifies, one at a time; resolves true when some pack was removed. Never rejects. */
  async run (): Promise<boolean> {
    if (this.queued !== undefined) return await this.queued
    const pass = this.chain.then(async () => {
      this.queued = undefined
      return await this.pass()
    })
    this.queued = pass
    this.chain = pass.catch(() => {})
    return await pass
  }

  /** Starts a pass put off by {@link afterDelete} now, and resolves once no pass is running or waiting. */
  async idle (): Promise<void> {
    if (this.timer !== undefined) {
      this.clearTimer()
      void this.run()
    }
    for (let chain = this.chain; ; chain = this.chain) {
      await chain
      if (chain === this.chain) return
    }
  }

  /** Ends the running pass after its current step, and refuses new work. */
  async stop (): Promise<void> {
    this.stopping = true
    this.clearTimer()
    await this.idle()
  }

  private clearTimer (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private async pass (): Promise<boolean> {
    let freed = false
    const tried = new Set<number>()
    for (let pack = this.next(tried); pack !== undefined && !this.stopping; pack = this.next(tried)) {
      tried.add(pack)
      try {
        if (await this.compact(pack)) freed = true
      } catch (err) {
        // A full store may have room after the next removal; anything else would fail again.
        if (!isCairnError(err, 'QUOTA_EXCEEDED')) this.stuck.add(pack)
      }
    }
    return freed
  }

  /** The qualifying pack with the fewest live bytes (the cheapest to reclaim). */
  private next (tried: ReadonlySet<number>): number | undefined {
    let best: number | undefined
    let bestLive = Number.POSITIVE_INFINITY
    for (const [pack, usage] of this.host.index.packUsage()) {
      if (tried.has(pack) || !this.isCandidate(pack)) continue
      if (usage.liveBytes < bestLive) {
        best = pack
        bestLive = usage.liveBytes
      }
    }
    return best
  }

  /** A sealed pack with no live block, or any pack with dead bytes and at most half of it live. */
  private isCandidate (pack: number): boolean {
    const usage = this.host.index.packUsage().get(pack)
    if (usage === undefined || this.stuck.has(pack) || this.stopping) return false
    const data = Math.max(0, usage.end - FILE_HEADER_LENGTH)
    if (usage.liveBlocks === 0 && pack !== this.host.writer.activePack) return true
    return data > usage.liveBytes && usage.liveBytes * 2 <= data
  }

  /** Reclaims one pack; false when it had to stop early (the store is stopping, or the pack changed). */
  private async compact (pack: number): Promise<boolean> {
    const { host } = this
    if (pack === host.writer.activePack) {
      await host.exclusive(async () => { if (pack === host.writer.activePack) await this.rollover() })
    }
    // Read before copying anything: a journal that cannot be read whole keeps its pack.
    const carried = await this.foreignTombstones(pack)
    for (const location of host.index.locationsIn(pack)) {
      if (this.stopping) return false
      const cid = CID.decode(location.cid)
      const bytes = await host.read(location, cid)
      // A damaged block stays where it is (and is repaired there); copying would hide its damage.
      await assertBlockMatches(cid, bytes)
      await host.exclusive(async () => {
        const current = host.index.get(cid.multihash.bytes)
        // Deleted (or moved) while it was read: nothing to keep.
        if (current?.pack !== pack || current.offset !== location.offset) return
        await host.writer.append(cid.multihash.bytes, cid, [bytes])
        host.recorded()
      })
    }
    if (this.stopping) return false
    return await host.exclusive(async () => await this.remove(pack, carried))
  }

  /** Makes the copies and carried tombstones durable, then deletes the pack's files. Runs in the queue. */
  private async remove (pack: number, carried: BlockLocation[]): Promise<boolean> {
    const { index, writer, files, handles, covered } = this.host
    if (!index.hasPack(pack) || index.usage(pack).liveBlocks > 0 || pack === writer.activePack) return false
    const tombstones = carried.filter((location) => index.hasPack(location.pack))
    for (const location of tombstones) {
      writer.tombstone(location)
      this.host.recorded()
    }
    let flushed = true
    try {
      await writer.flush()
    } catch (err) {
      // Only copies and carried tombstones must be durable before the delete; a
      // full store may still delete a pack that needs neither, to make room.
      if (tombstones.length > 0 || writer.hasPendingPuts()) throw err
      flushed = false
    }
    // From here readers look the block up again instead of opening this pack.
    index.forgetPack(pack)
    covered.delete(pack)
    await handles.closeWhenIdle(packFileName(pack))
    // Journal first: a crash between the two leaves a pack no record names, removed by a later pass.
    await files.remove(journalFileName(pack))
    await files.remove(packFileName(pack))
    this.removedPacks++
    if (!flushed) {
      try {
        await writer.flush()
        flushed = true
      } catch {}
    }
    // The saved index must not list the removed pack, or the next start would rebuild from the journals.
    if (flushed) await this.host.saveIndex()
    return true
  }

  /** Tombstones in `pack`'s journal that kill blocks of other packs (older ones, which may outlive it). */
  private async foreignTombstones (pack: number): Promise<BlockLocation[]> {
    const name = journalFileName(pack)
    const journal = await this.host.files.open(name)
    let bytes: Uint8Array
    try {
      bytes = await journal.read(0, await journal.size())
    } finally {
      await journal.close()
    }
    const header = checkHeader(bytes, JOURNAL_MAGIC)
    if (header === 'empty' && bytes.length <= FILE_HEADER_LENGTH) return []
    if (header !== 'ok') throw new StorageFailedError(`${name} is not a journal this app can compact`)
    const out: BlockLocation[] = []
    let at = FILE_HEADER_LENGTH
    for (let decoded = decodeRecord(bytes, at); decoded !== undefined; decoded = decodeRecord(bytes, at)) {
      const { record } = decoded
      if (record.kind === RECORD_DELETE && record.pack !== pack) {
        out.push({ pack: record.pack, offset: record.offset, length: record.length, cid: record.cid })
      }
      at = decoded.next
    }
    // Damage mid-way could hide a tombstone: keep the pack rather than risk a deleted block coming back.
    if (at !== bytes.length) throw new StorageFailedError(`${name} has a damaged record at byte ${at}; its pack is kept`)
    return out
  }

  /** Seals the active pack; on a full store the saved index (a cache of the journals) makes room first. */
  private async rollover (): Promise<void> {
    const { writer, files } = this.host
    try {
      await writer.rollover()
    } catch (err) {
      if (!isCairnError(err, 'QUOTA_EXCEEDED')) throw err
      const names = await files.list()
      const saved = INDEX_SLOTS.filter((name) => names.includes(name))
      if (saved.length === 0) throw err
      for (const name of saved) await files.remove(name)
      await writer.rollover()
    }
  }
}
