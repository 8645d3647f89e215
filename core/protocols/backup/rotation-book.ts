import { Key, type Batch, type Datastore } from 'interface-datastore'
import { StorageFailedError } from '../../errors.ts'
import { PEER_PREFIX } from './constants.ts'
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

/** The rotated vault ids a peer knows, loaded at start and kept in step with the datastore. */
export class RotationBook {
  private readonly rotated = new Map<string, RotatedVault>()

  async load (datastore: Datastore): Promise<void> {
    this.rotated.clear()
    for await (const { key, value } of datastore.query({ prefix: PREFIX })) {
      try {
        const record = JSON.parse(decoder.decode(value)) as RotatedVault
        this.rotated.set(record.vault, record)
      } catch (err) {
        throw new StorageFailedError(`backup peer state at ${key.toString()} is unreadable`, { cause: err })
      }
    }
  }

  get (vault: string): RotatedVault | undefined {
    return this.rotated.get(vault)
  }

  /** Adds the record to `batch`; call `remember` once the batch committed. */
  write (batch: Batch, record: RotatedVault): void {
    batch.put(rotatedKey(record.vault), encoder.encode(JSON.stringify(record)))
  }

  remember (record: RotatedVault): void {
    this.rotated.set(record.vault, record)
  }
}
