import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { CID } from 'multiformats/cid'
import { sendPendingManifests } from '../../../core/protocols/backup/send-manifests.ts'
import { ManifestLog } from '../../../core/protocols/backup/manifest-log.ts'
import { addressOf, blockSize, heldBlocks, indexWith, mh, readBlock, startDevice, startPeer, stopPeer, storeRandomFile, waitFor, type StoredFile, type TestDevice, type TestPeer } from './helpers.ts'

let peer: TestPeer
let device: TestDevice
let file: StoredFile
let index: Awaited<ReturnType<typeof indexWith>>

before(async () => {
  peer = await startPeer()
  device = await startDevice()
  file = await storeRandomFile(device.blockstore, 3 * 1024 * 1024 + 12345)
  index = await indexWith(device, file)
  await device.client.pair(addressOf(peer), await peer.service.createPairingCode())
})

after(async () => {
  await device.helia.stop()
  await stopPeer(peer)
})

test('a signed manifest makes the peer fetch and pin the whole file and the index blocks', async () => {
  const log = new ManifestLog({ datastore: device.datastore }, { peer: peer.helia.libp2p.peerId.toString(), device: device.helia.libp2p.peerId.toString(), snapshot: async () => ({ pin: [] }) })
  await log.start()
  await log.append({ pin: [file.root.toString(), ...index.blocks], unpin: [], heads: index.heads, sizes: { [file.root.toString()]: file.bytes } })
  assert.equal(await sendPendingManifests(device.client, addressOf(peer), log), 1)
  assert.equal(log.acknowledged, 1)
  assert.deepEqual(log.pending(), [])

  const roots = [file.root.toString(), ...index.blocks]
  await waitFor(async () => (await device.client.status(addressOf(peer))).pinned === roots.length, 20_000, 'every root pinned')
  const status = await device.client.status(addressOf(peer))
  const indexBytes = await Promise.all(index.blocks.map(async cid => await blockSize(peer.blockstore, CID.parse(cid))))
  assert.equal(status.bytes, file.bytes + indexBytes.reduce((a, b) => a + b, 0))
  assert.equal(status.pending, 0)
  assert.deepEqual(status.failed, [])
  assert.deepEqual(status.lastSeq, { [device.helia.libp2p.peerId.toString()]: 1 })

  // Every block of the DAG is in the peer's own store, pinned.
  const held = await heldBlocks(peer.blockstore)
  for (const cid of file.blocks) assert.ok(held.set.has(mh(cid)), `block ${cid.toString()} is held`)
  for (const cid of index.blocks) assert.ok(held.set.has(mh(CID.parse(cid))), `index block ${cid} is held`)
  assert.equal(await peer.helia.pins.isPinned(file.root), true)

  assert.deepEqual(await device.client.holds(addressOf(peer), [...roots, 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy']), new Set(roots))
  assert.deepEqual(await device.client.heads(addressOf(peer)), index.heads)

  const summary = peer.service.status()
  assert.equal(summary.length, 1)
  assert.equal(summary[0]?.vault, device.signer.vaultId)
  assert.equal(summary[0]?.pinned, roots.length)
})

test('verify re-hashes what the peer holds and names a block corrupted in its store', async () => {
  const clean = await device.client.verify(addressOf(peer), 1000)
  const total = file.blocks.length + index.blocks.length
  assert.deepEqual(clean, { checked: total, passed: total, bad: [], roots: {}, repaired: [] })

  const partial = await device.client.verify(addressOf(peer), 2)
  assert.equal(partial.checked, 2)

  // A ciphertext chunk (a raw leaf of a MiB), not the 80-byte header leaf.
  const victim = file.blocks.find(cid => cid.code === 0x55 && file.sizes.get(cid.toString()) === 1024 * 1024 + 16)
  assert.ok(victim !== undefined)
  const bytes = await readBlock(peer.blockstore, victim)
  const corrupted = bytes.slice()
  corrupted[100] = (corrupted[100] as number) ^ 0xff
  await peer.blockstore.put(victim, corrupted)

  const report = await device.client.verify(addressOf(peer), 1000)
  assert.equal(report.checked, total)
  assert.equal(report.passed, total - 1)
  assert.deepEqual(report.bad, [victim.toString()])
  assert.ok(peer.log.has('warn', /verify .* bad: /))
  await peer.blockstore.put(victim, bytes)
})
