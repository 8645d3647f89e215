/** Where one block lives. */
export interface BlockLocation {
  pack: number
  offset: number
  length: number
  /** The binary CID the block was first stored under (kept for `getAll`). */
  cid: Uint8Array
}

/** Space accounting of one pack, the input a future compaction needs. */
export interface PackUsage {
  /** Bytes used in the pack file, header included: the append position. */
  end: number
  liveBlocks: number
  liveBytes: number
}

/**
 * The map key of a block: its multihash bytes as a one-char-per-byte string.
 * Keyed by multihash (as blockstore-core's MemoryBlockstore and Helia's pins
 * are), so a CIDv0 and a CIDv1 of the same bytes find the same block.
 */
export function blockKey (multihash: Uint8Array): string {
  let key = ''
  for (let i = 0; i < multihash.length; i++) key += String.fromCharCode(multihash[i] as number)
  return key
}

/** The in-memory index: block key → location, plus live totals per pack. */
export class PackIndex {
  private readonly blocks = new Map<string, BlockLocation>()
  private readonly packs = new Map<number, PackUsage>()
  private liveBytes = 0

  get size (): number { return this.blocks.size }
  get bytes (): number { return this.liveBytes }

  get (key: string): BlockLocation | undefined {
    return this.blocks.get(key)
  }

  has (key: string): boolean {
    return this.blocks.has(key)
  }

  /** Records a block; a previous location of the same key becomes dead space. */
  set (key: string, location: BlockLocation): void {
    this.delete(key)
    this.blocks.set(key, location)
    const usage = this.usage(location.pack)
    usage.liveBlocks++
    usage.liveBytes += location.length
    usage.end = Math.max(usage.end, location.offset + location.length)
    this.liveBytes += location.length
  }

  /** Forgets a block; returns where it was. */
  delete (key: string): BlockLocation | undefined {
    const location = this.blocks.get(key)
    if (location === undefined) return undefined
    this.blocks.delete(key)
    const usage = this.usage(location.pack)
    usage.liveBlocks--
    usage.liveBytes -= location.length
    this.liveBytes -= location.length
    return location
  }

  /** A snapshot of all live locations (safe to iterate while the store changes). */
  locations (): BlockLocation[] {
    return [...this.blocks.values()]
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
}
