/**
 * A peer process for the kill -9 test: starts the peer on `argv[2]`, stores
 * `argv[3]` blocks and flushes them, prints `BLOCKS_DURABLE <json cids>`,
 * then keeps storing blocks without waiting for flushes until it is killed.
 */
import { startPeer } from '../../../relay-server/peer/start-peer.ts'
import { createLogger } from '../../../relay-server/shared/log.ts'
import { makeBlock } from '../../contract/block-fixtures.ts'

const [dataDir, countText] = process.argv.slice(2)
const peer = await startPeer({ dataDir, wsPort: 0, webrtcDirect: false }, { log: createLogger({ level: 'silent' }) })
const blockstore = peer.helia.blockstore
const durable: string[] = []
for (let i = 0; i < Number(countText); i++) {
  // Sizes from a few bytes to over 1 MiB, like ciphertext chunks and index blocks.
  const block = await makeBlock(i % 3 === 0 ? (1 << 20) + 16 : 100 + i * 977, 1000 + i)
  await blockstore.put(block.cid, block.bytes)
  durable.push(block.cid.toString())
}
await peer.blockstore.flush()
process.stdout.write(`BLOCKS_DURABLE ${JSON.stringify({ peerId: peer.peerId, cids: durable })}\n`)
for (let i = 0; ; i++) {
  const block = await makeBlock(200_000 + (i % 7) * 50_000, 5000 + i)
  await blockstore.put(block.cid, block.bytes)
}
