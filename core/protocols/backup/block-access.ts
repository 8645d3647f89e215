import * as cborg from 'cborg'
import { Key, type Datastore } from 'interface-datastore'
import { base36 } from 'multiformats/bases/base36'
import { CID } from 'multiformats/cid'

/** Who may be served a root: the vaults that keep it, and whether every one of them keeps it as a live share copy. */
export interface RootHolders {
  vaults: string[]
  share: boolean
}

export interface BlockAccessComponents {
  /** The roots whose pins hold this block (none: the block belongs to no finished root). */
  pinnedBy: (cid: CID) => Promise<CID[]>
  /** Who holds a root (by its canonical CID string). */
  holders: (root: string) => RootHolders
  /** True when the vault revoked `peer` (remove a device): its proof counts for nothing from then on. */
  revoked?: (peer: string, vault: string) => boolean
}

/**
 * Which blocks the peer serves to whom (issue 8): a block of a live share
 * copy to anyone (a share link's recipient knows nothing but the link), a
 * block of a vault's own roots only to a remote peer that has proved it
 * belongs to that vault, by a request signed with the vault's key over a
 * connection to it. A block no finished root holds (a fetch half done) is
 * served to nobody. Proofs last while the remote peer stays connected.
 */
export class BlockAccess {
  private readonly proven = new Map<string, Set<string>>()

  constructor (private readonly components: BlockAccessComponents) {}

  /** `peer` (a PeerId string; libp2p's Noise handshake proved it) sent a valid request of `vault`. Returns true when that is new. */
  prove (peer: string, vault: string): boolean {
    const vaults = this.proven.get(peer) ?? new Set<string>()
    if (vaults.has(vault)) return false
    vaults.add(vault)
    this.proven.set(peer, vaults)
    return true
  }

  /** The peer's last connection closed: it proves itself again on the next. */
  forget (peer: string): void {
    this.proven.delete(peer)
  }

  /** The vaults `peer` has proved it belongs to. */
  vaultsOf (peer: string): ReadonlySet<string> {
    return this.proven.get(peer) ?? new Set()
  }

  /**
   * To a vault's proven peer: a block some root of that vault pins. To
   * anyone: a block every root pinning it is a live share copy of (a root of
   * another vault over the same block keeps it closed).
   */
  async mayServe (peer: string, cid: CID): Promise<boolean> {
    const proven = this.proven.get(peer)
    const revoked = this.components.revoked
    const vaults = proven === undefined || revoked === undefined ? proven : new Set([...proven].filter(vault => !revoked(peer, vault)))
    const roots = await this.components.pinnedBy(cid)
    let open = roots.length > 0
    for (const root of roots) {
      const holders = this.components.holders(root.toString())
      if (vaults !== undefined && holders.vaults.some(vault => vaults.has(vault))) return true
      if (!holders.share) open = false
    }
    return open
  }
}

/**
 * The roots pinning a block, read from Helia's own pin records
 * (`/pinned-block/<base36 multihash>` → CBOR `{pinCount, pinnedBy: [cid bytes]}`,
 * helia/src/pins.ts). Helia has no call for it; tests/unit/backup/block-access.test.ts
 * pins real DAGs through Helia, so a change of that format fails there.
 */
export function heliaPinnedBy (datastore: Datastore): (cid: CID) => Promise<CID[]> {
  return async (cid) => {
    const key = new Key(`/pinned-block/${base36.encode(cid.multihash.bytes)}`)
    let bytes: Uint8Array
    try {
      bytes = await datastore.get(key)
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return []
      throw err
    }
    const record = cborg.decode(bytes) as { pinnedBy?: unknown }
    if (!Array.isArray(record.pinnedBy)) return []
    return record.pinnedBy.filter((b): b is Uint8Array => b instanceof Uint8Array).map(b => CID.decode(b))
  }
}
