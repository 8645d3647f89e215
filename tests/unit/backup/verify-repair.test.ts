import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { MemoryPackFiles } from '../../../core/storage/memory-pack-files.ts'
import { PackBlockstore } from '../../../core/storage/pack-blockstore.ts'
import { addressOf, indexWith, readBlock, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestPeer } from './helpers.ts'

// A peer on real pack files (in memory), so one byte of its pack can be flipped as a disk would.
const peerFiles = new MemoryPackFiles()
let peerStore: PackBlockstore
let peer: TestPeer
let device: TestDevice
let file: StoredFile

before(async () => {
  peerStore = new PackBlockstore({ files: peerFiles })
  await peerStore.start()
  peer = await startPeer({}, { blockstore: peerStore, datastore: new MemoryDatastore() })
  device = await startDevice()
  file = await storeRandomFile(device.blockstore, 2 * 1024 * 1024 + 777)
  const index = await indexWith(device, file)
  await device.client.pair(addressOf(peer), await peer.service.createPairingCode())
  const log = new ManifestLog({ datastore: device.datastore }, { peer: peer.helia.libp2p.peerId.toString(), device: device.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [] }) })
  await log.start()
  await log.append({ pin: [file.root.toString(), ...index.blocks], unpin: [], heads: index.heads })
  await sendPendingManifests(device.client, addressOf(peer), log)
  await waitFor(async () => (await device.client.status(addressOf(peer))).pinned === 1 + index.blocks.length, 20_000, 'every root pinned')
})

const cleanup: Array<() => Promise<void>> = []

after(async () => {
  for (const step of cleanup) await step()
  await device.helia.stop()
  await stopPeer(peer)
  await peerStore.stop()
})

/** Flips a byte inside `bytes`' stored copy in the peer's packs. */
async function flipInPeerPack (bytes: Uint8Array): Promise<void> {
  for (const name of await peerFiles.list()) {
    if (!name.endsWith('.pack')) continue
    const at = Buffer.from(peerFiles.bytes(name)).indexOf(Buffer.from(bytes.subarray(0, 64)))
    if (at >= 0) { peerFiles.flipByte(name, at + 1000); return }
  }
  throw new Error('block not in the peer\'s packs')
}

test('a block the peer finds bad is dropped and fetched again from the device: the next verify is clean', async () => {
  const clean = await device.client.verify(addressOf(peer), 1000)
  assert.deepEqual(clean.bad, [])
  // Another device of the vault that holds the file asks. (Bitswap will not send one peer the
  // same block twice within 5 s, and the first device sent it moments ago while replicating.)
  const other = await startDevice(device.vaultKey)
  for (const cid of file.blocks) await other.blockstore.put(cid, await readBlock(device.blockstore, cid))
  cleanup.push(async () => { await other.helia.stop() })

  const victim = file.blocks.find(cid => cid.code === 0x55 && file.sizes.get(cid.toString()) === 1024 * 1024 + 16)
  assert.ok(victim !== undefined)
  const good = await readBlock(device.blockstore, victim)
  await flipInPeerPack(good)

  const report = await other.client.verify(addressOf(peer), 1000)
  assert.deepEqual(report.bad, [victim.toString()])
  // The device can name the file: the peer says which pinned root the block was under.
  assert.deepEqual(report.roots, { [victim.toString()]: file.root.toString() })
  assert.deepEqual(report.repaired, [victim.toString()], JSON.stringify(peer.log.lines.slice(-6)))
  assert.deepEqual(await readBlock(peerStore, victim), good)

  const again = await other.client.verify(addressOf(peer), 1000)
  assert.deepEqual(again.bad, [])
  assert.equal(again.passed, again.checked)
  assert.ok(peer.log.has('info', /replaced bad block/))
})

test('the device that replicated the file moments ago is asked again until it sends the block (bitswap ignores a repeat want for 5 s)', async () => {
  const victim = file.blocks.filter(cid => cid.code === 0x55 && file.sizes.get(cid.toString()) === 1024 * 1024 + 16)[1]
  assert.ok(victim !== undefined)
  const good = await readBlock(device.blockstore, victim)
  await flipInPeerPack(good)
  const report = await device.client.verify(addressOf(peer), 1000)
  assert.deepEqual(report.bad, [victim.toString()])
  assert.deepEqual(report.repaired, [victim.toString()])
  assert.deepEqual((await device.client.verify(addressOf(peer), 1000)).bad, [])
})

test('a bad block no member can send yet: reported, its root queued, and fetched once a device holds it again', async () => {
  const files = new MemoryPackFiles()
  const store = new PackBlockstore({ files })
  await store.start()
  const lonely = await startPeer({ verifyRepairTimeoutMs: 1500 }, { blockstore: store, datastore: new MemoryDatastore() })
  const owner = await startDevice()
  cleanup.push(async () => { await owner.helia.stop(); await stopPeer(lonely); await store.stop() })
  const stored = await storeRandomFile(owner.blockstore, 2 * 1024 * 1024 + 3)
  await owner.client.pair(addressOf(lonely), await lonely.service.createPairingCode())
  const log = new ManifestLog({ datastore: owner.datastore }, { peer: lonely.helia.libp2p.peerId.toString(), device: owner.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [] }) })
  await log.start()
  await log.append({ pin: [stored.root.toString()], unpin: [] })
  await sendPendingManifests(owner.client, addressOf(lonely), log)
  await waitFor(async () => (await owner.client.status(addressOf(lonely))).pinned === 1, 20_000, 'the file pinned')

  const victim = stored.blocks.find(cid => cid.code === 0x55 && stored.sizes.get(cid.toString()) === 1024 * 1024 + 16)
  assert.ok(victim !== undefined)
  const good = await readBlock(owner.blockstore, victim)
  await owner.blockstore.delete(victim)
  for (const name of await files.list()) {
    const at = name.endsWith('.pack') ? Buffer.from(files.bytes(name)).indexOf(Buffer.from(good.subarray(0, 64))) : -1
    if (at >= 0) files.flipByte(name, at + 77)
  }

  const report = await owner.client.verify(addressOf(lonely), 1000)
  assert.deepEqual(report.bad, [victim.toString()])
  assert.deepEqual(report.repaired, [])
  assert.equal((await owner.client.status(addressOf(lonely))).pinned, 0, 'the root waits to be fetched again')

  // The device gets the block back (another device synced it): the peer's retry finds it.
  await owner.helia.blockstore.put(victim, good)
  await waitFor(async () => (await owner.client.status(addressOf(lonely))).pinned === 1, 30_000, 'the root pinned again')
  assert.deepEqual((await owner.client.verify(addressOf(lonely), 1000)).bad, [])
})
