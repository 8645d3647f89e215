import type { AbortOptions } from '@libp2p/interface'
import { BaseBlockstore } from 'blockstore-core/base'
import { damagedCid } from '../storage/block-check.ts'
import type { BlockRepair } from './block-repair.ts'
import type { Blockstore, InputPair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The raw codec: ciphertext leaves (and index op blocks) have it. */
const RAW_CODE = 0x55

export interface RepairingReadInit {
  /**
   * Ask the store not to hash raw leaves: the reader authenticates them
   * itself (AEAD) and, when that fails, reads again through a checking view.
   */
  trustRawLeaves?: boolean
}

/** What a read of one file found: a damaged block it repaired, or one it could not. */
export type FileHealthState = 'damaged' | 'repaired'

/**
 * The blockstore one file's read goes through: a damaged block (BLOCK_DAMAGED
 * from the pack store) is repaired from a copy elsewhere and the read goes
 * on with the good bytes; `onHealth` hears what happened, so the caller can
 * tell the user which file it was. A block that cannot be repaired fails
 * the read with BLOCK_DAMAGED, at once.
 */
export class RepairingReadBlockstore extends BaseBlockstore {
  constructor (
    private readonly inner: Blockstore,
    private readonly repair: BlockRepair,
    private readonly onHealth: (state: FileHealthState, cid: CID) => void,
    private readonly init: RepairingReadInit = {}
  ) {
    super()
  }

  override async has (key: CID, options?: AbortOptions): Promise<boolean> {
    return await this.inner.has(key, options)
  }

  override async put (key: CID, val: InputPair['bytes'], options?: AbortOptions): Promise<CID> {
    return await this.inner.put(key, val, options)
  }

  override async delete (key: CID, options?: AbortOptions): Promise<void> {
    await this.inner.delete(key, options)
  }

  override async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    let pieces: Uint8Array[]
    try {
      pieces = []
      // The option reaches the pack store through Helia's layers, which pass options on.
      const read = this.init.trustRawLeaves === true && key.code === RAW_CODE ? { ...options, skipHashCheck: true } : options
      for await (const piece of this.inner.get(key, read)) pieces.push(piece)
    } catch (err) {
      const cid = damagedCid(err)
      if (cid === undefined) throw err
      const outcome = await this.repair.repair(cid, options?.signal)
      if (!outcome.repaired) {
        this.onHealth('damaged', cid)
        throw err
      }
      this.onHealth('repaired', cid)
      pieces = [outcome.bytes]
    }
    yield * pieces
  }
}
