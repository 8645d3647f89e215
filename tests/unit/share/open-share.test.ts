import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { webSockets } from '@libp2p/websockets'
import { MemoryBlockstore } from 'blockstore-core'
import { LruBlockstore } from '../../../core/storage/lru-blockstore.ts'
import { MemoryDatastore } from 'datastore-core'
import { createNode, type CairnHelia } from '../../../core/node/create-node.ts'
import { isCairnError } from '../../../core/errors.ts'
import { findShare, readShare } from '../../../core/share/open-share.ts'
import { generateFileKey } from '../../../core/crypto/stream-format.ts'
import { RecordingBlockstore, storeEncrypted } from '../../../core/storage/encrypted-content.ts'
import type { ShareLinkFields } from '../../../core/share/share-link.ts'
import type { CID } from 'multiformats/cid'

/** A holder whose store answers every block with one bit flipped: what a malicious peer would send. */
class TamperingBlockstore extends MemoryBlockstore {
  override async * get (cid: CID): AsyncGenerator<Uint8Array> {
    for await (const piece of super.get(cid)) {
      const bad = piece.slice()
      bad[bad.length >> 1] = (bad[bad.length >> 1] as number) ^ 1
      yield bad
    }
  }
}

async function holder (blockstore = new MemoryBlockstore()): Promise<CairnHelia> {
  const helia = createNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], allowPrivateAddresses: true }, { blockstore, datastore: new MemoryDatastore(), transports: [webSockets()] })
  await helia.start()
  return helia
}

const CACHE_BYTES = 1024 * 1024

/** The recipient's light node: no listen address, a small cache and nothing else kept. */
const caches = new WeakMap<CairnHelia, LruBlockstore>()
async function recipient (): Promise<CairnHelia> {
  const cache = new LruBlockstore(CACHE_BYTES)
  const helia = createNode({ allowPrivateAddresses: true }, { blockstore: cache, datastore: new MemoryDatastore(), transports: [webSockets()] })
  await helia.start()
  caches.set(helia, cache)
  return helia
}

const address = (node: CairnHelia): string => (node.libp2p.getMultiaddrs()[0] as { toString: () => string }).toString()

async function readAll (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

function expectCode (code: string) {
  return (err: unknown) => isCairnError(err) && err.code === code
}

describe('opening a share from peers', () => {
  const plaintext = globalThis.crypto.getRandomValues(new Uint8Array(60_000))
  const big = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => i * 7)
  const goodStore = new MemoryBlockstore()
  let good: CairnHelia
  let bad: CairnHelia
  let empty: CairnHelia
  let fields: ShareLinkFields
  let bigFields: ShareLinkFields

  before(async () => {
    const badStore = new TamperingBlockstore()
    const shareKey = generateFileKey()
    const bigKey = generateFileKey()
    const cid = await storeEncrypted(new RecordingBlockstore(goodStore), new Blob([plaintext]).stream(), { fileKey: shareKey })
    const bigCid = await storeEncrypted(new RecordingBlockstore(goodStore), new Blob([big]).stream(), { fileKey: bigKey })
    for await (const { cid: c, bytes } of goodStore.getAll()) await badStore.put(c, bytes)
    ;[good, bad, empty] = await Promise.all([holder(goodStore), holder(badStore), holder()])
    fields = { cid, shareKey, name: 'a.bin', size: plaintext.length, type: '', hints: [] }
    bigFields = { cid: bigCid, shareKey: bigKey, name: 'big.bin', size: big.length, type: '', hints: [] }
  })

  after(async () => {
    await Promise.all([good.stop(), bad.stop(), empty.stop()])
  })

  it('finds the holder through the hints and streams the plaintext, keeping no block', async () => {
    const node = await recipient()
    try {
      const share = { ...bigFields, hints: [address(good)] }
      await findShare(node, share, { findTimeoutMs: 5000 })
      assert.deepEqual(await readAll(readShare(node, share)), big)
      const cache = caches.get(node) as LruBlockstore
      assert.ok(cache.size <= CACHE_BYTES, `the recipient keeps at most its cache (${cache.size} bytes)`)
    } finally {
      await node.stop()
    }
  })

  it('refuses a tampered block and takes the good one from another peer', async () => {
    const node = await recipient()
    try {
      const share = { ...fields, hints: [address(bad), address(good)] }
      await findShare(node, share, { findTimeoutMs: 5000 })
      assert.deepEqual(await readAll(readShare(node, share)), plaintext)
    } finally {
      await node.stop()
    }
  })

  it('when the only peer sends tampered data, nothing is output and the share is unavailable', async () => {
    const node = await recipient()
    try {
      const share = { ...fields, hints: [address(bad)] }
      await assert.rejects(findShare(node, share, { findTimeoutMs: 1500 }), expectCode('SHARE_UNAVAILABLE'))
    } finally {
      await node.stop()
    }
  })

  it('a peer that does not hold the file, or no reachable peer at all: SHARE_UNAVAILABLE after the bounded wait', async () => {
    const node = await recipient()
    try {
      const started = Date.now()
      await assert.rejects(findShare(node, { ...fields, hints: [address(empty)] }, { findTimeoutMs: 1500 }), expectCode('SHARE_UNAVAILABLE'))
      assert.ok(Date.now() - started < 10_000, 'the wait is bounded')
      const dead = address(empty).replace(/\/tcp\/\d+\//, '/tcp/1/')
      await assert.rejects(findShare(node, { ...fields, hints: [dead] }, { findTimeoutMs: 1500 }), expectCode('SHARE_UNAVAILABLE'))
    } finally {
      await node.stop()
    }
  })

  it('a download whose peers went away fails as SHARE_UNAVAILABLE instead of hanging', async () => {
    const node = await recipient()
    const leaving = await holder()
    try {
      for await (const { cid, bytes } of goodStore.getAll()) await leaving.blockstore.put(cid, bytes)
      const share = { ...bigFields, hints: [address(leaving)] }
      await findShare(node, share, { findTimeoutMs: 5000 })
      await leaving.stop()
      await assert.rejects(readAll(readShare(node, share, { stallTimeoutMs: 1000 })), expectCode('SHARE_UNAVAILABLE'))
    } finally {
      await node.stop()
    }
  })
})
