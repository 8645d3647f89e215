import { webSockets } from '@libp2p/websockets'
import { MemoryDatastore } from 'datastore-core'
import { loadWasmNoiseCrypto } from '../../../core/node/wasm-noise-cipher.ts'
import { withAdjacentSends } from '../../../core/node/adjacent-sends.ts'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { findShare, readShare } from '../../../core/share/open-share.ts'
import { LruBlockstore } from '../../../core/storage/lru-blockstore.ts'
import { mbPerSecond, type BenchContext } from './bench-context.ts'
import type { CID } from 'multiformats/cid'

/** The share worker's cache (sw/workers/share-worker.ts CACHE_BYTES). */
const CACHE_BYTES = 48 * 1024 * 1024

/**
 * A recipient opens a share link to a file the backup peer holds, as the
 * share worker does: a fresh in-memory light node dials the link's hint,
 * finds the root, and streams the decrypted file. `share.ttfb` runs from
 * starting the node to the first plaintext byte; `share.throughput` is the
 * plaintext size over the whole time, first byte included.
 */
export async function measureShare (root: CID, fileKey: Uint8Array, size: number, peerAddress: string, ctx: BenchContext): Promise<{ ttfb: number, throughput: number }> {
  const start = performance.now()
  const helia = recipientNode(await loadWasmNoiseCrypto())
  try {
    const reader = (await openShareStream(helia, root, fileKey, size, peerAddress)).getReader()
    let firstByteAt: number | undefined
    let bytes = 0
    for (let next = await reader.read(); next.done !== true; next = await reader.read()) {
      firstByteAt ??= performance.now()
      bytes += next.value.byteLength
    }
    const end = performance.now()
    if (bytes !== size) throw new Error(`the share gave ${bytes} bytes, expected ${size}`)
    const ttfb = ((firstByteAt ?? end) - start) / 1000
    const throughput = mbPerSecond(size, end - start)
    ctx.log(`share: first byte after ${ttfb.toFixed(2)} s, ${size} bytes in ${((end - start) / 1000).toFixed(2)} s`)
    return { ttfb, throughput }
  } finally {
    await helia.stop()
  }
}

/** The share worker's light node: fresh in-memory identity and stores, WebSockets only (a Noise frame and its length one message), libsodium's Noise cipher. */
export function recipientNode (noiseCrypto: ICryptoInterface): CairnHelia {
  return createNode({ agentName: 'cairn-share', allowPrivateAddresses: true }, {
    blockstore: new LruBlockstore(CACHE_BYTES),
    datastore: new MemoryDatastore(),
    transports: [withAdjacentSends(webSockets())],
    noiseCrypto
  })
}

/** Starts `helia`, finds the share through the peer's address, and returns its plaintext stream. */
export async function openShareStream (helia: CairnHelia, root: CID, fileKey: Uint8Array, size: number, peerAddress: string): Promise<ReadableStream<Uint8Array>> {
  await helia.start()
  const fields = { cid: root, shareKey: fileKey, name: 'bench.bin', size, type: '', hints: [peerAddress] }
  await findShare(helia, fields)
  return readShare(helia, fields)
}
