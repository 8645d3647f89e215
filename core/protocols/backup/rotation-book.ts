import { Key, type Batch, type Datastore } from 'interface-datastore'
import { StorageFailedError } from '../../errors.ts'
import { MAX_ROTATIONS_KEPT, PEER_PREFIX } from './constants.ts'
import type { StoredRevocation } from './revocation.ts'

/**
 * What a peer keeps of a vault id after a rekey moved the vault to a new
 * signing key: where it went, whom the old id had revoked, and the new key
 * sealed to each remaining device (opaque: the peer cannot open them), which
 * those devices fetch with a `handover` request signed by the old key.
 * Stored at `/cairn/backup/peer/rotated/<oldVaultId>`.
 */
export interface RotatedVault {
  vault: string
  /** The new vault id. */
  to: string
  at: number
  revocation?: StoredRevocation
  handovers: Record<string, string>
}

const PREFIX = `${PEER_PREFIX}/rotated/`
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const rotatedKey = (vault: string): Key => new Key(PREFIX + vault)

/**
 * The rotated vault ids a peer knows, loaded at start and kept in step with
 * the datastore. A vault's ids form a chain (A moved to B, B to C, …): a
 * device still on A fetches A's hand-over (B), then B's (C), and so on, so
 * the newest MAX_ROTATIONS_KEPT records of a chain are kept and older ones
 * deleted as the vault rotates again.
 */
export class RotationBook {
  private readonly rotated = new Map<string, RotatedVault>()
  /** The old id each vault id was rotated from, by that id: walks a chain back. */
  private readonly from = new Map<string, string>()

  async load (datastore: Datastore): Promise<void> {
    this.rotated.clear()
    this.from.clear()
    for await (const { key, value } of datastore.query({ prefix: PREFIX })) {
      try {
        this.remember(JSON.parse(decoder.decode(value)) as RotatedVault)
      } catch (err) {
        throw new StorageFailedError(`backup peer state at ${key.toString()} is unreadable`, { cause: err })
      }
    }
  }

  get (vault: string): RotatedVault | undefined {
    return this.rotated.get(vault)
  }

  /**
   * Adds the record to `batch`, and the deletion of the records of its chain
   * past the newest MAX_ROTATIONS_KEPT; returns those. Call `remember` with
   * both once the batch committed.
   */
  write (batch: Batch, record: RotatedVault): RotatedVault[] {
    batch.put(rotatedKey(record.vault), encoder.encode(JSON.stringify(record)))
    const stale = this.chainBefore(record.vault).slice(MAX_ROTATIONS_KEPT - 1)
    for (const old of stale) batch.delete(rotatedKey(old.vault))
    return stale
  }

  remember (record: RotatedVault, forgotten: RotatedVault[] = []): void {
    for (const old of forgotten) {
      this.rotated.delete(old.vault)
      if (this.from.get(old.to) === old.vault) this.from.delete(old.to)
    }
    this.rotated.set(record.vault, record)
    this.from.set(record.to, record.vault)
  }

  /** The records of the ids the vault had before `vault`, newest first. */
  private chainBefore (vault: string): RotatedVault[] {
    const chain: RotatedVault[] = []
    const seen = new Set([vault])
    for (let id = this.from.get(vault); id !== undefined && !seen.has(id); id = this.from.get(id)) {
      const record = this.rotated.get(id)
      if (record === undefined) break
      seen.add(id)
      chain.push(record)
    }
    return chain
  }
}
