import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import type { Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { decodeRecoveryPhrase } from '../../../core/crypto/recovery-phrase.ts'
import { HEADS_PREFIX } from '../../../core/index/constants.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { watchFetches } from '../../../core/vault/fetch-watch.ts'
import { bitswapForget } from '../../../core/node/bitswap-forget.ts'
import { startNode, type TestNode } from '../backup/helpers.ts'
import { locationsRig, PASSPHRASE, type LocationsRig } from './locations-support.ts'
import { dagBlocks, type Cleanups } from './share-test-support.ts'
import { waitFor } from '../support/polling.ts'

const cleanups: Cleanups = []
afterEach(async () => { for (const undo of cleanups.splice(0).reverse()) await undo() })

async function node (): Promise<TestNode> {
  const started = await startNode()
  cleanups.push(async () => { await started.helia.stop() })
  return started
}

/** What sync leaves on a joined device: every op block and chain head of the index, none of the content. */
async function copyIndex (from: LocationsRig, to: { blockstore: TestNode['blockstore'], datastore: Datastore }): Promise<void> {
  for (const cid of from.session().index.blockCids()) {
    const parsed = CID.parse(cid)
    await to.blockstore.put(parsed, await readWholeBlock(from.blockstore, parsed))
  }
  for await (const { key, value } of from.datastore.query({ prefix: HEADS_PREFIX + '/' })) await to.datastore.put(key, value)
}

/** Reads a stream to its end, counting the pieces it came in (what a download's progress counts). */
async function readCounting (stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array, pieces: number }> {
  const parts: Uint8Array[] = []
  for await (const part of stream) parts.push(part)
  return { bytes: new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer()), pieces: parts.length }
}

describe('files on demand between two nodes', () => {
  it('a joined device lists a file at once, reads it from the device that has it, keeps it, and reads it again after freeing it', { timeout: 60_000 }, async () => {
    const a = await node()
    const b = await node()
    const rigA = await locationsRig(cleanups, { blockstore: a.blockstore, deviceId: a.helia.libp2p.peerId.toString() })
    const phrase = await rigA.vault.create(PASSPHRASE)
    const file = await rigA.add('videos/clip.bin', 3 * 1024 * 1024 + 5)
    const photo = await rigA.add('photos/beach.jpg', 2 * 1024 * 1024)

    const bDatastore = new MemoryDatastore()
    await copyIndex(rigA, { blockstore: b.blockstore, datastore: bDatastore })
    const rigB: LocationsRig = await locationsRig(cleanups, {
      blockstore: b.blockstore,
      datastore: bDatastore,
      deviceId: b.helia.libp2p.peerId.toString(),
      readBlockstore: watchFetches(b.helia.blockstore, () => { rigB.locations.blockFetched() }),
      fetchStore: () => watchFetches(b.helia.blockstore, () => { rigB.locations.blockFetched() }),
      // Without it A would never send the freed blocks again on this connection (bitswap-forget.ts).
      forgetSent: bitswapForget(b.helia)
    })
    await rigB.vault.restore(decodeRecoveryPhrase(phrase), PASSPHRASE)
    assert.deepEqual(rigB.vault.files().list().map(f => f.path), ['photos/beach.jpg', 'videos/clip.bin'])
    assert.equal((await rigB.locations.locations())[file.fileId]?.local, 'none', 'the index came, the content did not')
    assert.equal(await b.blockstore.has(CID.parse(file.cid)), false)

    await b.helia.libp2p.dial(a.helia.libp2p.getMultiaddrs()[0] as Parameters<typeof b.helia.libp2p.dial>[0])
    const read = await readCounting(rigB.vault.files().open(file.fileId).stream)
    assert.deepEqual(read.bytes, file.bytes, 'the same bytes, fetched from A')
    assert.ok(read.pieces >= 3, `read in ${read.pieces} pieces, as a download's progress counts them`)
    assert.ok(rigB.changes.count > 0, 'files.locations.changed was told')
    assert.equal((await rigB.locations.locations())[file.fileId]?.local, 'all', 'fetched blocks are kept here')
    for (const cid of await dagBlocks(a.blockstore, file.cid)) assert.equal(await b.blockstore.has(cid), true)

    // "Keep on this device" for a folder fetches its files in the background.
    await rigB.locations.keepLocal({ folder: 'photos' }, true)
    await waitFor(async () => (await rigB.locations.locations())[photo.fileId]?.local === 'all', 20_000, 'the kept photo fetched from A')
    for (const cid of await dagBlocks(a.blockstore, photo.cid)) assert.equal(await b.blockstore.has(cid), true)

    // A confirmed it holds the file: B may free it, and still opens it while A is connected.
    rigB.deviceHolders.set(file.cid, ['Laptop'])
    rigB.deviceHolders.set(photo.cid, ['Laptop'])
    const freed = await rigB.locations.freeUpSpace()
    assert.equal(freed.files, 1, 'the kept photo stays')
    assert.ok(freed.bytes > 3 * 1024 * 1024)
    assert.equal((await rigB.locations.locations())[file.fileId]?.local, 'none')
    const again = await readCounting(rigB.vault.files().open(file.fileId).stream)
    assert.deepEqual(again.bytes, file.bytes)
    assert.equal((await rigB.locations.locations())[file.fileId]?.local, 'all')
  })
})
