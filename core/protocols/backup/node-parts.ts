import type { Helia } from '@helia/interface'
import type { Libp2p } from '@libp2p/interface'

/*
 * The slices of a Helia node the backup protocol uses, declared beside it so
 * the protocol never imports core/node/: node/ assembles the real node
 * (CairnHelia) and hands it in, and it satisfies each of these structurally.
 */

/** A block getter: reads (and, online, fetches) blocks. */
export type BlockGetter = Pick<Helia, 'blockstore'>

/** A block getter that can decode a block to follow its links. */
export type DagWalker = Pick<Helia, 'blockstore' | 'getCodec'>

/** A DAG walker that can also check a block against its hash. */
export type BlockChecker = DagWalker & Pick<Helia, 'getHasher'>

/** What walking, pinning and freeing a DAG needs. */
export type DagStore = DagWalker & Pick<Helia, 'pins'>

/** Where the peer's pins are recorded (read to decide what may be served). */
export type PinRecords = Pick<Helia, 'datastore'>

/** A node whose start can be extended (the bitswap gate installs itself as bitswap starts). */
export type MixinHost = Pick<Helia, 'addMixin'>

/** The slice of libp2p a protocol handler uses: its identity, its stream handler, connection events, streams it opens. */
export interface StreamHost {
  libp2p: Pick<Libp2p, 'peerId' | 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener' | 'getConnections' | 'dialProtocol'>
}

/** Everything the peer's backup service reaches: its blocks and pins, and libp2p to carry the protocol. */
export type BackupNode = BlockChecker & DagStore & PinRecords & MixinHost & StreamHost
