import { createUnsafe } from 'multiformats/block'
import { CID } from 'multiformats/cid'
import { PeerUnreachableError } from '../../errors.ts'
import { readWholeBlock } from '../../storage/read-block.ts'
import { walkedDag } from './walked-dag.ts'
import { blockLength, joinBlock, type FetchedBlock } from '../blocks/fetched-block.ts'
import type { DagStore, DagWalker } from './node-parts.ts'

/** The raw codec: a block with no links (UnixFS raw leaves, index op blocks). */
export const RAW_CODE = 0x55

export interface FetchDagOptions {
  signal: AbortSignal
  /** Blocks requested at once. */
  blockConcurrency: number
  /** The attempt fails when no block has arrived for this long. */
  stallMs: number
  /** Called with the DAG bytes seen so far (local and fetched). */
  onProgress?: (bytes: number) => void
  /**
   * Fetches a block that is not here and keeps it (the backup peer: from the
   * vault's own devices, DeviceWants). Without it, a missing block is read
   * through Helia's networked blockstore, which asks every connected peer.
   */
  fetchBlock?: (cid: CID, signal: AbortSignal) => Promise<FetchedBlock>
  /**
   * With `fetchBlock`: whether a block already here may be read instead of
   * fetched. The backup peer says no for a block no root of this vault holds
   * yet (another vault's, or a fetch cut short): the vault's own devices must
   * send it, so naming another vault's CIDs proves nothing (block-access.ts).
   */
  mayReadHere?: (cid: CID) => Promise<boolean>
}

/** The CIDs a block links to (none for raw blocks, whose pieces are then never joined). */
export async function blockLinks (helia: DagWalker, cid: CID, bytes: FetchedBlock): Promise<CID[]> {
  if (cid.code === RAW_CODE) return []
  const codec = await helia.getCodec(cid.code)
  const block = createUnsafe({ cid, bytes: joinBlock(bytes), codec })
  return [...block.links()].map(([, link]) => link)
}

/**
 * Makes a whole DAG local and pins it; returns its size in bytes (each
 * distinct block once). Blocks already held are read, missing ones come
 * from `fetchBlock` (or over bitswap), `blockConcurrency` at a time —
 * Helia's own pin walker asks for one block at a time, which leaves a
 * relayed link idle between round trips. The pin is written only once
 * every block is local, so an aborted attempt leaves no half-made pin.
 */
export async function fetchAndPin (helia: DagStore, root: CID, options: FetchDagOptions): Promise<number> {
  const stall = new AbortController()
  const signal = AbortSignal.any([options.signal, stall.signal])
  let timer: ReturnType<typeof setTimeout> | undefined
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = setTimeout(() => {
      stall.abort(new PeerUnreachableError(`no block arrived for ${Math.round(options.stallMs / 1000)} s: no connected peer has this content`))
    }, options.stallMs)
  }
  let bytes = 0
  try {
    arm()
    const seen = new Set<string>([root.toString()])
    // Every block walked, in order: the pin records these without reading them again (walked-dag.ts).
    const walked: CID[] = []
    const queue: CID[] = [root]
    const running = new Set<Promise<void>>()
    let failure: { error: unknown } | undefined
    const fetchBlock = options.fetchBlock
    const read = async (cid: CID): Promise<FetchedBlock> => {
      if (fetchBlock === undefined) return await readWholeBlock(helia.blockstore, cid, { signal })
      if (await helia.blockstore.has(cid, { signal }) && await (options.mayReadHere?.(cid) ?? true)) return await readWholeBlock(helia.blockstore, cid, { signal, offline: true })
      return await fetchBlock(cid, signal)
    }
    const visit = async (cid: CID): Promise<void> => {
      const block = await read(cid)
      arm()
      walked.push(cid)
      bytes += blockLength(block)
      options.onProgress?.(bytes)
      for (const link of await blockLinks(helia, cid, block)) {
        const key = link.toString()
        if (!seen.has(key)) { seen.add(key); queue.push(link) }
      }
    }
    while ((queue.length > 0 || running.size > 0) && failure === undefined) {
      while (queue.length > 0 && running.size < options.blockConcurrency) {
        const job: Promise<void> = visit(queue.shift() as CID)
          .catch((error: unknown) => { failure ??= { error } })
          .finally(() => { running.delete(job) })
        running.add(job)
      }
      await Promise.race(running)
    }
    if (failure !== undefined) {
      stall.abort(failure.error)
      await Promise.allSettled(running)
      throw signal.aborted ? signal.reason : failure.error
    }
    signal.throwIfAborted()
    try {
      // Every block is here now and was checked against its CID as it arrived or was read above:
      // the pin records the walked CIDs instead of Helia reading (and copying) every block back.
      // offline: should anything still read, it must never ask the network.
      const pinOptions = { signal, offline: true, walker: walkedDag(walked) } as Parameters<DagStore['pins']['add']>[1]
      for await (const cid of helia.pins.add(root, pinOptions)) { void cid }
    } catch (err) {
      // Another vault pinned the same root first: the blocks are held, which is all we need.
      if ((err as Error).name !== 'AlreadyPinnedError') throw err
    }
    return bytes
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

/**
 * Removes the pin on `root` and deletes every block of its DAG that no
 * other pin holds. Returns the number of blocks deleted. A root that was
 * never pinned (its fetch never finished) is left alone.
 */
export async function unpinAndFree (helia: DagStore, root: CID): Promise<number> {
  const walked: CID[] = []
  try {
    // The DAG's blocks as far as they are here, raw leaves named by their
    // parents and never read: Helia's own walk read every leaf back (a
    // 1 GiB file, 1 GiB of reads) only to learn it has no links.
    // offline: a missing block must not send the peer off to fetch the very thing it is freeing.
    const options = { offline: true, walker: walkedDag(await localBlocks(helia, root)) } as Parameters<DagStore['pins']['rm']>[1]
    for await (const cid of helia.pins.rm(root, options)) walked.push(cid)
  } catch (err) {
    if ((err as Error).name === 'NotFoundError' && walked.length === 0) return 0
    // A block of the DAG is missing or unreadable (damaged store): free what
    // the walk reached; what it could not reach is not here to free.
    if (walked.length === 0) throw err
  }
  let deleted = 0
  for (const cid of walked) {
    if (await deleteUnpinnedBlock(helia, cid)) deleted++
  }
  return deleted
}

/**
 * Deletes the blocks of a DAG that are here but held by no pin: what an
 * attempt fetched for a root that was then given up or unpinned before it
 * was ever complete. Returns the number deleted.
 */
export async function dropUnpinned (helia: DagStore, root: CID): Promise<number> {
  let deleted = 0
  for (const cid of await localBlocks(helia, root)) {
    if (await deleteUnpinnedBlock(helia, cid)) deleted++
  }
  return deleted
}

/**
 * Every block CID of a DAG, from the local store only. Only linking
 * (non-raw) blocks are read; one that cannot be read or decoded is still
 * listed but its children cannot be.
 */
export async function localBlocks (helia: DagWalker, root: CID, signal?: AbortSignal): Promise<CID[]> {
  const out: CID[] = []
  const seen = new Set<string>()
  const stack: CID[] = [root]
  while (stack.length > 0) {
    const cid = stack.pop() as CID
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    out.push(cid)
    if (cid.code === RAW_CODE) continue
    try {
      const bytes = await readWholeBlock(helia.blockstore, cid, { offline: true, ...(signal !== undefined ? { signal } : {}) })
      stack.push(...await blockLinks(helia, cid, bytes))
    } catch {
      signal?.throwIfAborted()
    }
  }
  return out
}

/**
 * Deletes one block unless a pin holds it; true when it was here and is
 * now gone. Helia's own `blockstore.delete` first asks the content routers
 * to stop providing the block, and a Cairn node has none (no DHT: DESIGN
 * §6), so it always fails with NoContentRoutersError. The store under
 * Helia's networked layer (`unwrap()`) deletes without that detour.
 */
export async function deleteUnpinnedBlock (helia: DagStore, cid: CID): Promise<boolean> {
  if (await helia.pins.isPinned(cid) || !(await helia.blockstore.has(cid))) return false
  const store = helia.blockstore as DagStore['blockstore'] & { unwrap?: () => Pick<DagStore['blockstore'], 'delete'> }
  await (store.unwrap?.() ?? store).delete(cid)
  return true
}

/** Parses a CID string the ledger stored. */
export function toCid (value: string): CID {
  return CID.parse(value)
}
