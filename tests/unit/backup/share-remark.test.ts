import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { deriveSubkey } from '../../../core/crypto/subkeys.ts'
import { IndexLog } from '../../../core/index/index-log.ts'
import { PeerKeeper } from '../../../core/node/peer-keeper.ts'
import { encodeRecord, itemKey, loadPeerState } from '../../../core/protocols/backup/peer-store.ts'
import { readWholeBlock } from '../../../core/storage/read-block.ts'
import { BackupPeers } from '../../../core/protocols/backup/device/backup-peers.ts'
import { BackupState } from '../../../core/protocols/backup/device/backup-state.ts'
import { addressOf, MemoryLog, startDevice, startNode, startPeer, stopPeer, storeRandomFile, waitFor, type TestPeer } from './helpers.ts'

test('a share copy pinned before share copies were marked is marked by the device after the upgrade, so its link works from the peer again', async () => {
  const stores = { blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }
  let peer: TestPeer = await startPeer({}, stores)
  const device = await startDevice()
  const recipient = await startNode(new MemoryBlockstore())
  const deviceId = device.helia.libp2p.peerId.toString()
  const index = new IndexLog({ blockstore: device.blockstore, datastore: device.datastore }, { indexKey: deriveSubkey(device.vaultKey, 'index'), deviceId })
  const log = new MemoryLog()
  const keeper = new PeerKeeper({ libp2p: device.helia.libp2p, log })
  const backups = new BackupPeers({ libp2p: device.helia.libp2p, datastore: device.datastore, keeper, log, onChanged: () => {}, extraPins: () => [{ cid: s }] }, deviceId)
  const share = await storeRandomFile(device.blockstore, 100_000)
  const s = share.root.toString()
  try {
    // Before the upgrade: the device pinned its share copy with no mark, and the peer kept no `share`.
    const at = addressOf(peer)
    await device.client.pair(at, await peer.service.createPairingCode())
    await device.client.sendManifest(at, { device: 'before-the-upgrade', seq: 1, pin: [s], unpin: [] })
    await waitFor(async () => (await device.client.status(at)).pinned === 1, 15_000, 'the share copy pinned')
    await stopPeer(peer)
    const item = (await loadPeerState(stores.datastore)).items.find(one => one.cid === s)
    assert.ok(item !== undefined)
    delete item.share
    await stores.datastore.put(itemKey(item.vault, s), encodeRecord(item))
    peer = await startPeer({}, stores)
    const peerId = peer.helia.libp2p.peerId.toString()
    // The device's own record of what it sent: the share copy is in its pin set already.
    await new BackupState(device.datastore).writePinSet(peerId, [s])

    await index.start()
    await backups.start()
    await backups.attach({ signer: device.signer, index })
    await backups.add(addressOf(peer).toString(), await peer.service.createPairingCode())
    await waitFor(async () => (await loadPeerState(stores.datastore)).items.find(one => one.cid === s)?.listed === true, 15_000, 'the share copy marked')
    // The sharer goes away: the link's recipient gets the copy from the peer alone.
    await device.helia.libp2p.hangUp(peer.helia.libp2p.peerId)
    await recipient.helia.libp2p.dial(addressOf(peer))
    for (const cid of share.blocks) assert.equal((await readWholeBlock(recipient.helia.blockstore, cid, { signal: AbortSignal.timeout(10_000) })).byteLength, share.sizes.get(cid.toString()))
  } finally {
    backups.stop()
    keeper.stop()
    await index.stop()
    await recipient.helia.stop()
    await device.helia.stop()
    await stopPeer(peer)
  }
})
