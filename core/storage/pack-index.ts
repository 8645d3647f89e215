/** Where one block lives. */
export interface BlockLocation {
  pack: number
  offset: number
  length: number
  /** The binary CID the block was first stored under (kept for `getAll`). */
  cid: Uint8Array
}

/** Space accounting of one pack, the input compaction needs. */
export interface PackUsage {
  /** Bytes used in the pack file, header included: the append position. */
  end: number
  liveBlocks: number
  liveBytes: number
}

/** The entries and key bytes of an index, as saved to and loaded from an index file. */
export interface IndexSnapshot {
  /** {@link ENTRY_WORDS} words per block (see {@link PackIndex}). */
  entries: Uint32Array
  /** Key records: u16 CID length, u8 multihash start, then the binary CID. */
  arena: Uint8Array
}

/** Words per entry: pack, offset low 32 bits, offset high bits, length, arena position. */
export const ENTRY_WORDS = 5
const ARENA_HEAD = 3
const TWO_32 = 0x1_0000_0000
/** Grow arrays by a quarter: a doubling would leave up to half of a large index as slack. */
const GROWTH = 1.25
/** Hash slots are at most this full, so probes stay short. */
const MAX_LOAD = 0.75

/**
 * The in-memory index: block multihash → location, plus live totals per pack.
 *
 * Built for a backup peer with millions of blocks: no object or string per
 * block. Entries are words in one `Uint32Array`; each entry's binary CID sits
 * in one byte arena; an open-addressing hash table (linear probing, two
 * words per slot: a 32-bit hash of the multihash and the entry number + 1)
 * finds an entry in O(1), and a hash match is confirmed by comparing the
 * multihash bytes, so hash collisions never confuse two blocks. About 70
 * bytes per block for sha2-256 CIDs (20 entry, 39 arena, 8–16 table), where
 * a Map of strings and objects took several hundred.
 *
 * Keyed by multihash (as blockstore-core's MemoryBlockstore and Helia's pins
 * are), so a CIDv0 and a CIDv1 of the same bytes find the same block.
 */
export class PackIndex {
  private entries: Uint32Array = new Uint32Array(ENTRY_WORDS * 64)
  private count = 0
  private arena: Uint8Array = new Uint8Array(4096)
  private arenaUsed = 0
  /** Arena bytes of deleted entries; compacted once they are half of it. */
  private arenaGarbage = 0
  private table: Uint32Array = new Uint32Array(2 * 128)
  private readonly packs = new Map<number, PackUsage>()
  private liveBytes = 0

  get size (): number { return this.count }
  get bytes (): number { return this.liveBytes }

  /** Builds an index from saved entries and arena (checked by the caller); it takes the arrays over. */
  static fromSnapshot (snapshot: IndexSnapshot, arenaUsed: number): PackIndex {
    const index = new PackIndex()
    const count = snapshot.entries.length / ENTRY_WORDS
    // A little room to grow, without the copy a first append would otherwise cost.
    index.entries = grown(snapshot.entries, Math.ceil(count * 1.125) * ENTRY_WORDS + ENTRY_WORDS * 64)
    index.arena = grown(snapshot.arena, Math.ceil(arenaUsed * 1.125) + 4096)
    index.arenaUsed = arenaUsed
    index.count = count
    index.table = new Uint32Array(2 * tableSlotsFor(count))
    for (let e = 0; e < count; e++) {
      index.insertSlot(e)
      const usage = index.usage(index.entries[e * ENTRY_WORDS] as number)
      const length = index.entries[e * ENTRY_WORDS + 3] as number
      usage.liveBlocks++
      usage.liveBytes += length
      usage.end = Math.max(usage.end, index.offsetOf(e) + length)
      index.liveBytes += length
    }
    return index
  }

  /** The entries and arena in use (views, valid until the next change). */
  snapshot (): { snapshot: IndexSnapshot, arenaUsed: number } {
    this.compactArena()
    return {
      snapshot: { entries: this.entries.subarray(0, this.count * ENTRY_WORDS), arena: this.arena.subarray(0, this.arenaUsed) },
      arenaUsed: this.arenaUsed
    }
  }

  get (key: Uint8Array): BlockLocation | undefined {
    const e = this.find(key)
    return e < 0 ? undefined : this.locationAt(e)
  }

  has (key: Uint8Array): boolean {
    return this.find(key) >= 0
  }

  /** Records a block under its multihash `key`; a previous location of the same key becomes dead space. */
  set (key: Uint8Array, location: BlockLocation): void {
    this.delete(key)
    const e = this.count
    this.ensureRoom(location.cid.length)
    const at = this.arenaUsed
    const mhStart = location.cid.length - key.length
    if (mhStart < 0 || mhStart > 255 || location.cid.length > 0xffff) throw new RangeError('a CID that does not end in its multihash')
    this.arena[at] = location.cid.length & 0xff
    this.arena[at + 1] = location.cid.length >>> 8
    this.arena[at + 2] = mhStart
    this.arena.set(location.cid, at + ARENA_HEAD)
    this.arenaUsed += ARENA_HEAD + location.cid.length
    const w = e * ENTRY_WORDS
    this.entries[w] = location.pack
    this.entries[w + 1] = location.offset % TWO_32
    this.entries[w + 2] = Math.floor(location.offset / TWO_32)
    this.entries[w + 3] = location.length
    this.entries[w + 4] = at
    this.count++
    this.insertSlot(e)
    const usage = this.usage(location.pack)
    usage.liveBlocks++
    usage.liveBytes += location.length
    usage.end = Math.max(usage.end, location.offset + location.length)
    this.liveBytes += location.length
  }

  /** Forgets a block; returns where it was. */
  delete (key: Uint8Array): BlockLocation | undefined {
    const slot = this.findSlot(key)
    if (slot < 0) return undefined
    const e = (this.table[slot * 2 + 1] as number) - 1
    const location = this.locationAt(e)
    this.removeSlot(slot)
    this.arenaGarbage += ARENA_HEAD + location.cid.length
    // Keep entries dense: the last entry moves into the hole, and its slot follows it.
    const last = this.count - 1
    if (e !== last) {
      const lastSlot = this.slotOfEntry(last)
      this.entries.copyWithin(e * ENTRY_WORDS, last * ENTRY_WORDS, (last + 1) * ENTRY_WORDS)
      this.table[lastSlot * 2 + 1] = e + 1
    }
    this.count--
    const usage = this.usage(location.pack)
    usage.liveBlocks--
    usage.liveBytes -= location.length
    this.liveBytes -= location.length
    if (this.arenaGarbage > 65536 && this.arenaGarbage * 2 > this.arenaUsed) this.compactArena()
    return location
  }

  /** A snapshot of all live locations (safe to iterate while the store changes). */
  locations (): BlockLocation[] {
    const out: BlockLocation[] = new Array<BlockLocation>(this.count)
    for (let e = 0; e < this.count; e++) out[e] = this.locationAt(e)
    return out
  }

  /** Live locations in `pack` (a snapshot; a scan of every entry, for compaction). */
  locationsIn (pack: number): BlockLocation[] {
    const out: BlockLocation[] = []
    for (let e = 0; e < this.count; e++) {
      if (this.entries[e * ENTRY_WORDS] === pack) out.push(this.locationAt(e))
    }
    return out
  }

  /** True while `pack` is one of the store's packs (not yet removed by compaction). */
  hasPack (pack: number): boolean {
    return this.packs.has(pack)
  }

  /** Drops the usage record of a pack with no live block left, once compaction removes it. */
  forgetPack (pack: number): void {
    if ((this.packs.get(pack)?.liveBlocks ?? 0) > 0) throw new RangeError(`pack ${pack} still holds live blocks`)
    this.packs.delete(pack)
  }

  /** The usage record of `pack`, created empty on first use. */
  usage (pack: number): PackUsage {
    let usage = this.packs.get(pack)
    if (usage === undefined) {
      usage = { end: 0, liveBlocks: 0, liveBytes: 0 }
      this.packs.set(pack, usage)
    }
    return usage
  }

  /** Usage of every known pack, by pack number. */
  packUsage (): ReadonlyMap<number, PackUsage> {
    return this.packs
  }

  /** Bytes the index's arrays hold (capacity, not just use). */
  memoryBytes (): number {
    return this.entries.byteLength + this.arena.byteLength + this.table.byteLength
  }

  private locationAt (e: number): BlockLocation {
    const w = e * ENTRY_WORDS
    const at = this.entries[w + 4] as number
    const cidLength = (this.arena[at] as number) | ((this.arena[at + 1] as number) << 8)
    return {
      pack: this.entries[w] as number,
      offset: this.offsetOf(e),
      length: this.entries[w + 3] as number,
      cid: this.arena.slice(at + ARENA_HEAD, at + ARENA_HEAD + cidLength)
    }
  }

  private offsetOf (e: number): number {
    return (this.entries[e * ENTRY_WORDS + 1] as number) + (this.entries[e * ENTRY_WORDS + 2] as number) * TWO_32
  }

  /** The entry number of `key`, or -1. */
  private find (key: Uint8Array): number {
    const slot = this.findSlot(key)
    return slot < 0 ? -1 : (this.table[slot * 2 + 1] as number) - 1
  }

  private findSlot (key: Uint8Array): number {
    const table = this.table
    const mask = (table.length >>> 1) - 1
    const hash = hashKey(key)
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot * 2 + 1] as number
      if (entry === 0) return -1
      if (table[slot * 2] === hash && this.keyEquals(entry - 1, key)) return slot
    }
  }

  /** The slot that points at entry `e` (which must be in the table). */
  private slotOfEntry (e: number): number {
    const table = this.table
    const mask = (table.length >>> 1) - 1
    for (let slot = this.entryHash(e) & mask; ; slot = (slot + 1) & mask) {
      if (table[slot * 2 + 1] === e + 1) return slot
    }
  }

  private keyEquals (e: number, key: Uint8Array): boolean {
    const arena = this.arena
    const at = this.entries[e * ENTRY_WORDS + 4] as number
    const cidLength = (arena[at] as number) | ((arena[at + 1] as number) << 8)
    const start = at + ARENA_HEAD + (arena[at + 2] as number)
    if (at + ARENA_HEAD + cidLength - start !== key.length) return false
    for (let i = key.length - 1; i >= 0; i--) {
      if (arena[start + i] !== key[i]) return false
    }
    return true
  }

  private entryHash (e: number): number {
    const arena = this.arena
    const at = this.entries[e * ENTRY_WORDS + 4] as number
    const cidLength = (arena[at] as number) | ((arena[at + 1] as number) << 8)
    const start = at + ARENA_HEAD + (arena[at + 2] as number)
    return hashKey(arena.subarray(start, at + ARENA_HEAD + cidLength))
  }

  private insertSlot (e: number): void {
    if ((this.count) > (this.table.length >>> 1) * MAX_LOAD) this.rehash(tableSlotsFor(this.count))
    const table = this.table
    const mask = (table.length >>> 1) - 1
    const hash = this.entryHash(e)
    let slot = hash & mask
    while (table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask
    table[slot * 2] = hash
    table[slot * 2 + 1] = e + 1
  }

  /** Backward-shift deletion: no tombstones, so probe chains never grow stale. */
  private removeSlot (slot: number): void {
    const table = this.table
    const mask = (table.length >>> 1) - 1
    let hole = slot
    for (let next = (hole + 1) & mask; table[next * 2 + 1] !== 0; next = (next + 1) & mask) {
      const home = (table[next * 2] as number) & mask
      // Move `next` into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
      if (stays) continue
      table[hole * 2] = table[next * 2] as number
      table[hole * 2 + 1] = table[next * 2 + 1] as number
      hole = next
    }
    table[hole * 2] = 0
    table[hole * 2 + 1] = 0
  }

  private rehash (slots: number): void {
    const old = this.table
    const table = new Uint32Array(2 * slots)
    const mask = slots - 1
    for (let s = 0; s < old.length; s += 2) {
      const entry = old[s + 1] as number
      if (entry === 0) continue
      let slot = (old[s] as number) & mask
      while (table[slot * 2 + 1] !== 0) slot = (slot + 1) & mask
      table[slot * 2] = old[s] as number
      table[slot * 2 + 1] = entry
    }
    this.table = table
  }

  private ensureRoom (cidLength: number): void {
    if ((this.count + 1) * ENTRY_WORDS > this.entries.length) {
      this.entries = grown(this.entries, Math.ceil(this.entries.length * GROWTH / ENTRY_WORDS) * ENTRY_WORDS + ENTRY_WORDS)
    }
    const need = this.arenaUsed + ARENA_HEAD + cidLength
    if (need > this.arena.length) {
      if (this.arenaGarbage > 0) this.compactArena()
      if (need > this.arena.length) this.arena = grown(this.arena, Math.max(need, Math.ceil(this.arena.length * GROWTH)))
    }
  }

  /** Drops the key bytes of deleted entries, in place. */
  private compactArena (): void {
    if (this.arenaGarbage === 0) return
    // Entries in arena order, so each record moves down (never over one not yet moved).
    const order = new Uint32Array(this.count)
    for (let e = 0; e < this.count; e++) order[e] = e
    order.sort((a, b) => (this.entries[a * ENTRY_WORDS + 4] as number) - (this.entries[b * ENTRY_WORDS + 4] as number))
    let to = 0
    for (const e of order) {
      const from = this.entries[e * ENTRY_WORDS + 4] as number
      const size = ARENA_HEAD + ((this.arena[from] as number) | ((this.arena[from + 1] as number) << 8))
      if (from !== to) this.arena.copyWithin(to, from, from + size)
      this.entries[e * ENTRY_WORDS + 4] = to
      to += size
    }
    this.arenaUsed = to
    this.arenaGarbage = 0
  }
}

/** FNV-1a over the multihash bytes: cheap, and any bytes (not only a digest) spread well enough. */
export function hashKey (key: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ (key[i] as number), 0x01000193)
  return h >>> 0
}

function tableSlotsFor (count: number): number {
  let slots = 128
  while (slots * MAX_LOAD < count + 1) slots *= 2
  return slots
}

function grown<T extends Uint8Array | Uint32Array> (array: T, length: number): T {
  if (array.length >= length) return array
  const next = new (array.constructor as new (n: number) => T)(length)
  next.set(array)
  return next
}
