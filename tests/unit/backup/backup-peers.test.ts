import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { isCairnError } from '../../../core/errors.ts'
import { toBase64 } from '../../../core/crypto/base64.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { loadPeerState } from '../../../core/protocols/backup/peer-store.ts'
import { BackupPeers, type ExtraPin } from '../../../core/protocols/backup/device/backup-peers.ts'
import { manualClock } from '../support/clock.ts'
import { addressOf, heldBlocks, MemoryLog, mh, randomBytes, startDevice, startPeer, stopPeer, storeRandomFile, waitFor } from './helpers.ts'

test('BackupPeers pins the live extra pins with their expiry, reports their holders, and drops them at once', async () => {
  const peer = await startPeer()
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const keeper = new PeerKeeper({ libp2p: device.helia.libp2p, log })
  let extras: ExtraPin[] = []
  // The device judges share expiry by its injected clock, here years ahead of the real one.
  const clock = manualClock(Date.UTC(2040, 0, 1))
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper, log, onChanged: () => {}, extraPins: () => extras, now: clock.now }, deviceId)
  try {
    const [file, share, stale] = [await storeRandomFile(device.blockstore, 200_000), await storeRandomFile(device.blockstore, 300_000), await storeRandomFile(device.blockstore, 100_000)]
    const [f, s, x] = [file, share, stale].map(one => one.root.toString()) as [string, string, string]
    await index.start()
    await index.put({ cid: f, size: 1, mtime: 0, tag: toBase64(randomBytes(32)), fk: toBase64(randomBytes(32)), type: '' }, 'a.bin')
    const expiresAt = clock.now() + 3_600_000
    extras = [{ cid: s, expiresAt }, { cid: x, expiresAt: clock.now() - 1 }]
    await backups.start()
    await assert.rejects(backups.drop([s]), (err: unknown) => isCairnError(err) && err.code === 'VAULT_LOCKED')

    await backups.attach({ signer: device.signer, index })
    await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    const peerId = peer.helia.libp2p.peerId.toString()
    await waitFor(() => backups.holdersOf(s).length > 0 && backups.holds(f), 20_000, 'the file and the share held')
    assert.deepEqual(backups.holdersOf(s), [peerId])
    assert.deepEqual(backups.holdersOf(f), [peerId])
    assert.deepEqual(backups.holdersOf(x), [], 'an expired extra pin is not pinned')
    assert.equal(backups.list()[0]?.filesReplicated, 1, 'only files count as files')
    const items = new Map((await loadPeerState(peer.datastore)).items.map(item => [item.cid, item]))
    assert.equal(items.get(s)?.expiresAt, expiresAt, 'the share pin carries its expiry')
    assert.equal(items.get(f)?.expiresAt, undefined)
    assert.equal(items.has(x), false)

    // Stop sharing: the caller forgets the share, then drops it.
    extras = []
    const seq = peer.service.status()[0]?.lastSeq[deviceId]
    await backups.drop([s])
    const held = await heldBlocks(peer.blockstore)
    assert.ok(share.blocks.every(cid => !held.set.has(mh(cid))), 'the share copy is gone from the peer when drop resolves')
    assert.ok(file.blocks.every(cid => held.set.has(mh(cid))), 'the file is untouched')
    assert.deepEqual(backups.holdersOf(s), [])
    assert.equal(peer.service.status()[0]?.lastSeq[deviceId], (seq ?? 0) + 1, 'one manifest: the drop')

    // The next sync has nothing to say: the dropped root is not sent again as an unpin.
    // Wait for that sync to have run (it ends by reading the peer's status), not for a fixed second.
    const seenBefore = backups.list()[0]?.lastSeen ?? 0
    assert.equal(seenBefore, clock.now(), 'last seen by the injected clock')
    clock.advance(1000)
    backups.changed()
    await waitFor(() => (backups.list()[0]?.lastSeen ?? 0) > seenBefore, 15_000, 'the sync after changed()')
    assert.equal(peer.service.status()[0]?.lastSeq[deviceId], (seq ?? 0) + 1)
    assert.ok(!peer.log.has('info', /manifest .*: 0 pin, [1-9]/), 'no unpin was sent')
    assert.equal(peer.service.status()[0]?.unpinning, 0)
  } finally {
    backups.stop()
    keeper.stop()
    await index.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('BackupPeers.drop to a peer that is away does not throw; the drop goes out when the peer is back', async () => {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  let peer = await startPeer({}, stores)
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const keeper = new PeerKeeper({ libp2p: device.helia.libp2p, log })
  const share = await storeRandomFile(device.blockstore, 200_000)
  let extras: ExtraPin[] = [{ cid: share.root.toString() }]
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper, log, onChanged: () => {}, extraPins: () => extras }, deviceId)
  try {
    await index.start()
    await backups.start()
    await backups.attach({ signer: device.signer, index })
    await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    await waitFor(() => backups.holdersOf(share.root.toString()).length === 1, 20_000, 'the share held')

    const port = addressOf(peer).getComponents().find(c => c.name === 'tcp')?.value
    await stopPeer(peer)
    extras = []
    await backups.drop([share.root.toString()])
    assert.ok(backups.list()[0]?.lastError !== undefined, 'the failure is noted on the peer')

    peer = await startPeer({}, stores, `/ip4/127.0.0.1/tcp/${port}/ws`)
    // The periodic refresh resends what the peer never acknowledged.
    await waitFor(async () => !(await heldBlocks(stores.blockstore)).set.has(mh(share.root)), 20_000, 'the drop to arrive after the restart')
    assert.equal(peer.service.status()[0]?.pinned, 0)
    assert.ok(peer.log.has('info', /freed .* as dropped/))
  } finally {
    backups.stop()
    keeper.stop()
    await index.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})

test('BackupPeers with an append-only peer: a deleted file stays on the peer, the device carries on and says why in words, not as a failure', async () => {
  const peer = await startPeer({ appendOnly: true })
  const device = await startDevice()
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const keeper = new PeerKeeper({ libp2p: device.helia.libp2p, log })
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper, log, onChanged: () => {} }, deviceId)
  try {
    const [gone, added] = [await storeRandomFile(device.blockstore, 100_000), await storeRandomFile(device.blockstore, 100_000)]
    await index.start()
    const view = await index.put({ cid: gone.root.toString(), size: 1, mtime: 0, tag: toBase64(randomBytes(32)), fk: toBase64(randomBytes(32)), type: '' }, 'gone.bin')
    await backups.start()
    await backups.attach({ signer: device.signer, index })
    await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    await waitFor(() => backups.holds(gone.root.toString()), 20_000, 'the file held')
    assert.deepEqual(backups.list()[0]?.keepsDeleted, { appendOnly: true, retentionMs: 30 * 86_400_000 })

    // Deleted in the vault (and the Trash emptied, so the vault no longer keeps it) and a new
    // file added: the unpin is refused, the new pin goes through.
    await index.remove(view.fileId)
    await index.history.purge([view.fileId])
    await index.put({ cid: added.root.toString(), size: 1, mtime: 0, tag: toBase64(randomBytes(32)), fk: toBase64(randomBytes(32)), type: '' }, 'added.bin')
    backups.changed()
    await waitFor(() => backups.holds(added.root.toString()), 20_000, 'the new file held')
    assert.ok(log.has('info', /is append-only: it keeps 1 deleted or unshared item/), 'the device says why, in words')
    assert.equal(backups.list()[0]?.lastError, undefined, 'not shown as a failure')
    const held = await heldBlocks(peer.blockstore)
    assert.ok(gone.blocks.every(cid => held.set.has(mh(cid))), 'the deleted file stays on the peer')
    assert.equal(peer.service.status()[0]?.unpinning, 0)
  } finally {
    backups.stop()
    keeper.stop()
    await index.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})
