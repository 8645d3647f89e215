import { equals } from 'multiformats/bytes'
import { readWholeBlock } from '../../storage/read-block.ts'
import { localBlocks, toCid } from './dag-fetch.ts'
import type { VerifyReport } from './messages.ts'
import type { BlockChecker } from './node-parts.ts'
import type { CID } from 'multiformats/cid'

/**
 * Re-reads a random sample of the blocks held under `roots` and re-hashes
 * each against its CID (restic `check --read-data-subset` style). Reads
 * are local only: a missing block is bad, never fetched again. A block is
 * bad when it is missing, unreadable, or its bytes do not hash to its CID.
 */
export async function verifySample (helia: BlockChecker, roots: string[], sample: number, signal?: AbortSignal): Promise<VerifyReport> {
  const pool = roots.slice()
  const listed = new Map<string, CID[]>()
  const checked = new Set<string>()
  const bad: string[] = []
  const badRoots: Record<string, string> = {}
  let passed = 0
  while (checked.size < sample && pool.length > 0) {
    signal?.throwIfAborted()
    const pick = randomIndex(pool.length)
    const root = pool[pick] as string
    let blocks = listed.get(root)
    if (blocks === undefined) {
      blocks = await localBlocks(helia, toCid(root), signal)
      listed.set(root, blocks)
    }
    const unchecked = blocks.filter(cid => !checked.has(cid.toString()))
    if (unchecked.length === 0) {
      pool.splice(pick, 1)
      continue
    }
    const cid = unchecked[randomIndex(unchecked.length)] as CID
    checked.add(cid.toString())
    if (await blockIsSound(helia, cid, signal)) passed++
    else { bad.push(cid.toString()); badRoots[cid.toString()] = root }
  }
  return { checked: checked.size, passed, bad, roots: badRoots }
}

/** True when the block is here and hashes to its CID. */
export async function blockIsSound (helia: BlockChecker, cid: CID, signal?: AbortSignal): Promise<boolean> {
  try {
    const bytes = await readWholeBlock(helia.blockstore, cid, { offline: true, ...(signal !== undefined ? { signal } : {}) })
    const hasher = await helia.getHasher(cid.multihash.code)
    const digest = await hasher.digest(bytes)
    return equals(digest.bytes, cid.multihash.bytes)
  } catch {
    signal?.throwIfAborted()
    return false
  }
}

function randomIndex (length: number): number {
  const [value] = globalThis.crypto.getRandomValues(new Uint32Array(1))
  return (value as number) % length
}
