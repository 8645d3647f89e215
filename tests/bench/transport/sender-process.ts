import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createNode } from '../../../core/node/create-node.ts'
import { nodeWebSockets } from '../../../relay-server/shared/node-websockets.ts'
import { createFsBlockstore } from '../../../relay-server/storage/fs-blockstore.ts'
import { PROTO_BLOCKS_PROTOCOL, serveBlocks } from './proto-block-exchange.ts'
import { serveBytes, STAGE_BYTES_PROTOCOL } from './stage-byte-source.ts'

/**
 * The sending end of `--only transport-ceiling`, its own process (started by
 * run-transport-ceiling.ts with `--import tsx`): a Cairn node as the
 * device builds one (`createNode`, `nodeWebSockets()`, listening on
 * 127.0.0.1), its blocks in a pack store on disk as the desktop app keeps
 * them. It stores `--blocks` random 1 MiB raw blocks, then serves them over
 * bitswap (as shipped: unchecked serving) and over the batched prototype,
 * and serves raw bytes for the ceiling. Prints
 * `CAIRN_BENCH_SENDER_READY {"multiaddrs":[…],"cids":[…]}`; stops on SIGTERM.
 */
const { values } = parseArgs({ options: { blocks: { type: 'string' }, dir: { type: 'string' } } })
const count = Number(values.blocks)
if (!Number.isInteger(count) || count < 1 || values.dir === undefined) throw new Error('--blocks N and --dir D are required')

const RAW = 0x55
const BLOCK_BYTES = 1024 * 1024
const blockstore = await createFsBlockstore(values.dir)
const cids: CID[] = []
for (let i = 0; i < count; i++) {
  const bytes = new Uint8Array(randomBytes(BLOCK_BYTES))
  const cid = CID.createV1(RAW, await sha256.digest(bytes))
  await blockstore.put(cid, bytes)
  cids.push(cid)
}
await blockstore.flush()

const helia = createNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], allowPrivateAddresses: true, agentName: 'cairn-bench-sender' }, {
  blockstore,
  datastore: new MemoryDatastore(),
  transports: [nodeWebSockets()]
})
await helia.start()
const fail = (what: string) => (err: unknown): void => { process.stderr.write(`${what}: ${String(err)}\n`) }
await helia.libp2p.handle(STAGE_BYTES_PROTOCOL, (stream) => { serveBytes(stream).catch(fail('byte source')) })
await helia.libp2p.handle(PROTO_BLOCKS_PROTOCOL, (stream) => { serveBlocks(stream, blockstore).catch(fail('block server')) })

process.once('SIGTERM', () => {
  void (async () => {
    await helia.stop()
    await blockstore.stop()
    process.exit(0)
  })()
})
const multiaddrs = helia.libp2p.getMultiaddrs().map((ma) => ma.toString())
process.stdout.write(`CAIRN_BENCH_SENDER_READY ${JSON.stringify({ multiaddrs, cids: cids.map((c) => c.toString()) })}\n`)
