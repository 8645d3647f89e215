import { sha256 } from 'multiformats/hashes/sha2'
import type { Helia } from '@helia/interface'
import type { MultihashDigest, MultihashHasher } from 'multiformats/hashes/interface'
import type { CID } from 'multiformats/cid'

/** What bitswap's want list tells when a block arrives: the CID it derived by hashing the bytes. */
interface BlockArrival { detail: { cid: CID, block: Uint8Array } }

/** The private fields this reaches: Helia's brokers, bitswap's list of this node's wants. */
interface BrokersHolder {
  blockBrokers?: Array<{ name?: string, bitswap?: { wantList?: { addEventListener?: (type: 'block', listener: (evt: BlockArrival) => void) => void } } }>
}

/**
 * Blocks that arrived over bitswap, with the SHA-256 digest bitswap
 * computed for each. Bitswap hashes every block it receives to learn its CID
 * (a message carries only a prefix and the bytes); Helia then hashes the
 * same bytes again to check them against the CID it asked for. That second
 * pass was ~1.4 CPU ms per MB on the receiving end of a replication
 * (tests/bench/README.md, "Replication speed"). Helia's sha2-256 hasher is
 * replaced by {@link hasher}, which answers a block bitswap just hashed with
 * bitswap's digest; Helia still compares it with the CID it wanted, so a
 * block that does not match is still refused. Keyed by the bytes object
 * itself (nothing else can be told apart from the bytes without hashing
 * them), held no longer than the block.
 */
export class BitswapArrivals {
  private readonly digests = new WeakMap<Uint8Array, MultihashDigest<number>>()

  /** sha2-256 for Helia: a digest already found for this very block, or a fresh one. */
  readonly hasher: MultihashHasher<typeof sha256.code> = {
    name: sha256.name,
    code: sha256.code,
    encode: (input) => sha256.encode(input),
    digest: (input, options) => {
      const known = this.digests.get(input)
      if (known !== undefined && known.code === sha256.code && known.size === (options?.truncate ?? 32)) {
        return known as MultihashDigest<typeof sha256.code>
      }
      return sha256.digest(input, options)
    }
  }

  /** Listens to `helia`'s bitswap for arrivals; false when bitswap changed shape (then every block is hashed twice, as before). */
  listen (helia: Helia): boolean {
    const wants = (helia as unknown as BrokersHolder).blockBrokers?.find((b) => b.name === 'bitswap')?.bitswap?.wantList
    if (typeof wants?.addEventListener !== 'function') return false
    wants.addEventListener('block', (evt) => { this.digests.set(evt.detail.block, evt.detail.cid.multihash) })
    return true
  }
}

/** Adds the listening to `helia`'s start, after bitswap's mixin (mixins start in order). */
export function withBitswapArrivals<H extends Helia> (helia: H, arrivals: BitswapArrivals): H {
  let listening = false
  helia.addMixin({ name: 'cairn-bitswap-arrivals', start: (started) => { listening ||= arrivals.listen(started) } })
  return helia
}
