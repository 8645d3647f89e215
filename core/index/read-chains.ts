import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { decodeHead, walkChain, type ChainHead } from './chain.ts'
import { HEADS_PREFIX } from './constants.ts'
import { headMacKey } from './head-mac.ts'
import type { IndexOp } from './ops.ts'

export interface ChainsUnderKey {
  /** Every op of every chain read, oldest block first per chain. */
  ops: IndexOp[]
  heads: Map<string, ChainHead>
  /** Heads that do not check under this key, or whose chain could not be read, by device. */
  unreadable: string[]
}

/**
 * The chains whose stored heads check under `indexKey`, read whole from the
 * local store. Unlike loadLog this never throws for one bad chain: a key
 * change reads the chains of the old key and of the new one side by side
 * (handed-over-index.ts), and one it cannot read is reported, not fatal.
 */
export async function readChainsUnderKey (blockstore: Blockstore, datastore: Datastore, indexKey: Uint8Array): Promise<ChainsUnderKey> {
  const macKey = headMacKey(indexKey)
  const out: ChainsUnderKey = { ops: [], heads: new Map(), unreadable: [] }
  try {
    const prefix = HEADS_PREFIX + '/'
    for await (const { key, value } of datastore.query({ prefix })) {
      const device = key.toString().slice(prefix.length)
      try {
        const { head } = decodeHead(macKey, device, value)
        const blocks = await walkChain(blockstore, indexKey, device, head)
        for (const block of blocks) out.ops.push(...block.ops)
        out.heads.set(device, head)
      } catch {
        out.unreadable.push(device)
      }
    }
    return out
  } finally {
    macKey.fill(0)
  }
}
